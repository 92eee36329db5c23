"""The start-up of countless tutorials: `websockets.serve(...)` in a plain
function, handed to `loop.run_until_complete`.

Passes on websockets 13.1 as written; on 15.0.1 `serve` raises `RuntimeError:
no running event loop`. After `ferry fix --unsafe-fixes` (WS015's fix: the call
is made by a coroutine that `run_until_complete` runs) it passes on 15.0.1: the
server starts, a client gets its echo, the server closes.
"""
import asyncio

import websockets


async def echo(websocket, *args):
    await websocket.send(await websocket.recv())


class Service:
    def __init__(self, loop):
        self.loop = loop
        self.server = loop.run_until_complete(websockets.serve(echo, "127.0.0.1", 0))

    def port(self):
        return self.server.sockets[0].getsockname()[1]

    def stop(self):
        self.server.close()
        self.loop.run_until_complete(self.server.wait_closed())


async def talk(port):
    async with websockets.connect(f"ws://127.0.0.1:{port}/") as ws:
        await ws.send("ping")
        return await ws.recv()


def main():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    service = Service(loop)
    assert loop.run_until_complete(talk(service.port())) == "ping"
    service.stop()
    loop.close()
    print("OK")


main()
