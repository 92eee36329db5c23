# ferry-test: select WS070
# ferry-test: warnings-as-errors
"""Explicit legacy-client program: calls spelled from the package
(`websockets.legacy.client.connect(...)`) with legacy keywords, checked by a
server of the new API (which websockets 13.1 has too).

Passes on websockets 13.1 and 15.0.1 as written (the explicit legacy client
still works on 15, with DeprecationWarnings); after `ferry fix --unsafe-fixes
--select WS070` it passes on 15.0.1 with DeprecationWarnings as errors. The
calls become `websockets.asyncio.client.connect(...)`, which resolves only
because the legacy import, needed by nothing else, becomes `import
websockets.asyncio.client`: `import websockets` alone does not make
`websockets.asyncio` an attribute.
"""
import asyncio

import websockets
import websockets.legacy.client
from websockets.asyncio.server import serve

seen = []


async def handler(websocket):
    seen.append((websocket.request.path, websocket.request.headers.get("X-Token")))
    await websocket.send(await websocket.recv())


async def main():
    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with websockets.legacy.client.connect(
            f"ws://127.0.0.1:{port}/first",
            extra_headers={"X-Token": "one"},
            timeout=5,
        ) as ws:
            await ws.send("hello")
            assert await ws.recv() == "hello"
        ws = await websockets.legacy.client.connect(
            f"ws://127.0.0.1:{port}/second", extra_headers=[("X-Token", "two")], read_limit=2**16
        )
        await ws.send("again")
        assert await ws.recv() == "again"
        await ws.close()
    assert seen == [("/first", "one"), ("/second", "two")], seen
    print("OK")


asyncio.run(asyncio.wait_for(main(), 10))
