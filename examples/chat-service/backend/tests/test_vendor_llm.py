"""The LLM wrapper is plain HTTP; its extra_headers are its own API."""

import json

import pytest

from chat.vendor_llm import LLMClient, LLMError, summarize_room, warmup


class FakeTransport:
    def __init__(self, status=200, text="ok"):
        self.status = status
        self.text = text
        self.headers = None

    def __call__(self, url, headers, body, timeout):
        self.headers = headers
        return self.status, json.dumps({"text": self.text}).encode()


def test_complete_merges_extra_headers():
    t = FakeTransport(text="hello")
    client = LLMClient("https://llm.example", "k", extra_headers={"X-Tenant": "acme"}, transport=t)
    assert client.complete("hi", extra_headers={"X-Trace": "1"}) == "hello"
    assert t.headers["Authorization"] == "Bearer k"
    assert t.headers["X-Tenant"] == "acme"
    assert t.headers["X-Trace"] == "1"


def test_summarize_room_passes_trace_header():
    t = FakeTransport(text="they said hi")
    client = LLMClient("https://llm.example", "k", transport=t)
    assert summarize_room(client, ["a: hi", "b: hi"], trace_id="t-9") == "they said hi"
    assert t.headers["X-Trace"] == "t-9"
    summarize_room(client, ["a: bye"])
    assert "X-Trace" not in t.headers


def test_warmup_and_errors():
    t = FakeTransport(text="warm")
    assert warmup(LLMClient("https://llm.example", "k", transport=t)) == "warm"
    assert t.headers["X-Trace"] == "1"
    with pytest.raises(LLMError):
        LLMClient("https://llm.example", "k", transport=FakeTransport(status=500)).complete("x")
