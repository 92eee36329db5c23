# ferry-test: select WS,WS070,WS071
# ferry-test: warnings-as-errors
"""Explicit legacy client and server spelled from the package, each module
imported on its own line: the shape that left a legacy import behind.

Passes on websockets 13.1 and 15.0.1 as written (with DeprecationWarnings on
15); after `ferry fix --unsafe-fixes --select WS,WS070,WS071` it passes on
15.0.1 with DeprecationWarnings as errors. WS070 and WS071 each move their
calls to `websockets.asyncio.*` and add the import of the new module, but
neither can drop its legacy import while the other's chain still uses the
package; WS053 removes them once nothing needs them. Without WS053 the fixed
program still imports `websockets.legacy.server` and fails with
`DeprecationWarning: websockets.legacy is deprecated`.
"""
import asyncio

import websockets.legacy.client
import websockets.legacy.server

seen = []


async def handler(websocket):
    seen.append(websocket.request_headers.get("X-Token"))
    await websocket.send(await websocket.recv())


async def main():
    async with websockets.legacy.server.serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with websockets.legacy.client.connect(
            f"ws://127.0.0.1:{port}/", extra_headers={"X-Token": "abc"}
        ) as ws:
            await ws.send("hello")
            assert await ws.recv() == "hello"
    assert seen == ["abc"], seen
    print("OK")


asyncio.run(asyncio.wait_for(main(), 10))
