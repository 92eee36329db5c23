"""Legacy-API program: headers both ways, the request path, a close code.

Passes on websockets 13.1 as written; on 15.0.1 only after `ferry fix --unsafe-fixes`.
"""
import asyncio

import websockets

seen = {}


async def handler(websocket, path):
    seen["path"] = path
    seen["token"] = websocket.request_headers["X-Token"]
    await websocket.send(path)
    await websocket.close(code=4000, reason="bye")


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, extra_headers={"X-Server": "ferry"}) as server:
        port = server.sockets[0].getsockname()[1]
        uri = f"ws://127.0.0.1:{port}/chat?room=1"
        async with websockets.connect(uri, extra_headers={"X-Token": "abc"}, timeout=5) as ws:
            assert ws.response_headers["X-Server"] == "ferry", ws.response_headers
            assert await ws.recv() == "/chat?room=1"
            try:
                await ws.recv()
            except websockets.exceptions.ConnectionClosed as e:
                assert (e.code, e.reason) == (4000, "bye"), (e.code, e.reason)
            else:
                raise AssertionError("the server should have closed the connection")
            assert ws.closed
    assert seen == {"path": "/chat?room=1", "token": "abc"}, seen
    print("OK")


asyncio.run(asyncio.wait_for(main(), 10))
