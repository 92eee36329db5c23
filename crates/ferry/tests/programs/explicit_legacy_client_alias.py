# ferry-test: select WS070
# ferry-test: warnings-as-errors
"""Explicit legacy-client program through the deprecated alias module
(`websockets.client.connect(...)`, the legacy client on every version), in a
file that also uses `websockets.client` for what it is today, the Sans-I/O
`ClientProtocol`; checked by a server of the new API (which websockets 13.1
has too).

Passes on websockets 13.1 and 15.0.1 as written (with DeprecationWarnings on
15); after `ferry fix --unsafe-fixes --select WS070` it passes on 15.0.1 with
DeprecationWarnings as errors. The call becomes
`websockets.asyncio.client.connect(...)`; `import websockets.client` is still
needed, and does not make `websockets.asyncio` an attribute, so the fix adds
`import websockets.asyncio.client`.
"""
import asyncio

import websockets.client
from websockets.asyncio.server import serve
from websockets.uri import parse_uri

seen = []


def handshake_path(uri):
    """The path a Sans-I/O client asks for (the module's current API, not legacy)."""
    return websockets.client.ClientProtocol(parse_uri(uri)).connect().path


async def handler(websocket):
    seen.append((websocket.request.path, websocket.request.headers.get("X-Token")))
    await websocket.send(websocket.request.path)


async def main():
    async with serve(handler, "127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/alias?x=1"
        async with websockets.client.connect(uri, extra_headers={"X-Token": "alias"}, timeout=5) as ws:
            assert await ws.recv() == handshake_path(uri)
    assert seen == [("/alias?x=1", "alias")], seen
    print("OK")


asyncio.run(asyncio.wait_for(main(), 10))
