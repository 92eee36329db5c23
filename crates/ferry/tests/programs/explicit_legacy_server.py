# ferry-test: select WS071
# ferry-test: warnings-as-errors
"""Explicit legacy-server program: a `(websocket, path)` handler, server-side
headers, a `process_request` hook answering 200 and 403, and a subprotocol
picked by a legacy `select_subprotocol`, all checked by a client of the new
API (which websockets 13.1 has too).

Passes on websockets 13.1 and 15.0.1 as written (the explicit legacy server
still works on 15, with DeprecationWarnings); after `ferry fix --unsafe-fixes
--select WS071` it passes on 15.0.1 with DeprecationWarnings as errors. WS071
is selected alone, so the proof is its own fix, not the other rules' next round.
"""
import asyncio
import http

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.legacy.server import serve

seen = {}


async def process_request(path, request_headers):
    if path == "/healthz":
        return (http.HTTPStatus.OK, [], b"ok\n")
    if request_headers.get("Authorization") != "Bearer good":
        return (403, [], b"forbidden\n")
    return None


def select_subprotocol(client_subprotocols, server_subprotocols):
    return "chat" if "chat" in client_subprotocols else None


async def _handler(websocket, path):
    seen["path"] = path
    await websocket.send(path)
    await websocket.recv()


async def http_get(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    status_line = await reader.readline()
    writer.close()
    return status_line.decode().split()[1]


async def main():
    async with serve(
        _handler,
        "127.0.0.1",
        0,
        extra_headers={"X-Server": "ferry"},
        process_request=process_request,
        select_subprotocol=select_subprotocol,
        subprotocols=["chat"],
        timeout=5,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        assert await http_get(port, "/healthz") == "200"
        uri = f"ws://127.0.0.1:{port}/chat?room=1"
        try:
            async with connect(uri, additional_headers={"Authorization": "Bearer bad"}, subprotocols=["chat"]):
                pass
        except InvalidStatus as e:
            assert e.response.status_code == 403, e.response.status_code
        else:
            raise AssertionError("a bad token must be rejected")
        good = {"Authorization": "Bearer good"}
        async with connect(uri, additional_headers=good, subprotocols=["chat"]) as ws:
            assert ws.response.headers["X-Server"] == "ferry", ws.response.headers
            assert ws.subprotocol == "chat", ws.subprotocol
            assert await ws.recv() == "/chat?room=1"
            await ws.send("bye")
    assert seen == {"path": "/chat?room=1"}, seen
    print("OK")


asyncio.run(asyncio.wait_for(main(), 10))
