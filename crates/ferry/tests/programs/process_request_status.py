"""Legacy-API program: a process_request hook answering 200 and 403, seen by the client.

Passes on websockets 13.1 as written; on 15.0.1 only after `ferry fix --unsafe-fixes`.
"""
import asyncio
import http

import websockets


async def process_request(path, request_headers):
    if path == "/healthz":
        return (http.HTTPStatus.OK, [], b"ok\n")
    if request_headers.get("Authorization") != "Bearer good":
        return (403, [], b"forbidden\n")
    return None


async def handler(websocket, path):
    await websocket.send(f"welcome to {path}")
    await websocket.recv()


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, process_request=process_request) as server:
        port = server.sockets[0].getsockname()[1]
        uri = f"ws://127.0.0.1:{port}/feed"
        try:
            async with websockets.connect(uri, extra_headers={"Authorization": "Bearer bad"}):
                pass
        except websockets.exceptions.InvalidStatusCode as e:
            assert e.status_code == 403, e.status_code
        else:
            raise AssertionError("a bad token must be rejected")
        async with websockets.connect(uri, extra_headers={"Authorization": "Bearer good"}) as ws:
            assert await ws.recv() == "welcome to /feed"
            assert ws.open
            await ws.send("bye")
    print("OK")


asyncio.run(asyncio.wait_for(main(), 10))
