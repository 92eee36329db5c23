"""Server internals: the connection handler and process_request on their own."""

import asyncio
import json

import pytest
import websockets
from websockets.legacy.client import connect as legacy_connect

from chat import server as chat_server


async def _http_get(port, path, headers=""):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 1)
    writer.close()
    await writer.wait_closed()
    return data


def test_process_request_answers_healthz_and_rejects_bad_tokens(run):
    async def scenario():
        async with websockets.serve(
            chat_server.handler, "127.0.0.1", 0, process_request=chat_server.process_request
        ) as server:
            port = server.sockets[0].getsockname()[1]
            health = await _http_get(port, "/healthz")
            denied = await _http_get(port, "/rooms/x", "Authorization: Bearer nope\r\n")
        return health, denied

    health, denied = run(scenario())
    assert health.startswith(b"HTTP/1.1 200 ")
    assert health.endswith(b"ok\n")
    assert denied.startswith(b"HTTP/1.1 403 ")
    assert denied.endswith(b"forbidden\n")


@pytest.mark.parametrize(
    "value, expected",
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer ", None), (None, None)],
)
def test_bearer_token(value, expected):
    assert chat_server.bearer_token(value) == expected


def test_handler_reads_path_argument(run):
    async def scenario():
        chat_server.HUB.reset()
        async with websockets.serve(chat_server.handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            async with legacy_connect(
                f"ws://127.0.0.1:{port}/rooms/ops?since=42",
                extra_headers={"Authorization": "Bearer ops-secret"},
                open_timeout=1,
            ) as ws:
                return json.loads(await asyncio.wait_for(ws.recv(), 1))

    welcome = run(scenario())
    assert welcome["path"] == "/rooms/ops?since=42"
    assert welcome["role"] == "ops"
    assert welcome["query"] == {"since": "42"}


def test_load_tokens_from_environment():
    assert chat_server.load_tokens({"CHAT_TOKENS": "a:agent, b:user,broken"}) == {"a": "agent", "b": "user"}
    assert chat_server.load_tokens({}) == chat_server.DEFAULT_TOKENS
