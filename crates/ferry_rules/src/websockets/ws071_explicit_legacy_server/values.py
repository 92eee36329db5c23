import functools

import websockets.legacy.server
from websockets.legacy.server import serve


async def _handler(websocket):
    await websocket.send("hi")


# `serve` passed on as a value: Ferry cannot follow it.
start = functools.partial(serve, _handler)


async def main():
    await serve(_handler, "127.0.0.1", 0)


async def announce(connections):
    # A legacy broadcast elsewhere would get the moved server's connections.
    websockets.legacy.server.broadcast(connections, "hi")
