"""Small wrapper around the hosted LLM completion API (plain HTTPS + JSON).

Used to summarise chat rooms and to warm the model up at start-up.  Callers
may add per-request HTTP headers (tracing, tenant id) with ``extra_headers``.
"""

import json
import urllib.request


class LLMError(RuntimeError):
    pass


def urllib_transport(url, headers, body, timeout):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


class LLMClient:
    def __init__(self, base_url, api_key, *, extra_headers=None, timeout=10.0, transport=None):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.default_headers = dict(extra_headers or {})
        self.timeout = timeout
        self.transport = transport or urllib_transport

    def build_headers(self, extra_headers=None):
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Content-Type": "application/json",
        }
        headers.update(self.default_headers)
        if extra_headers:
            headers.update(extra_headers)
        return headers

    def complete(self, prompt, extra_headers=None, max_tokens=256):
        body = json.dumps({"prompt": prompt, "max_tokens": max_tokens}).encode()
        status, payload = self.transport(
            f"{self.base_url}/v1/completions",
            self.build_headers(extra_headers=extra_headers),
            body,
            self.timeout,
        )
        if status != 200:
            raise LLMError(f"completion failed with HTTP {status}")
        return json.loads(payload)["text"]


def summarize_room(client, messages, trace_id=None):
    prompt = "Summarise this conversation:\n" + "\n".join(messages)
    opts = {"extra_headers": {"X-Trace": trace_id}} if trace_id else {}
    return client.complete(prompt, **opts)


def warmup(client):
    return client.complete("hi", extra_headers={"X-Trace": "1"})
