"""A plain function that runs the server with `run_until_complete` has no running loop."""
import asyncio

import websockets


async def handler(websocket):
    await websocket.send("hi")


class Server:
    def __init__(self, loop):
        self.loop = loop
        start = websockets.serve(handler, "127.0.0.1", 8765)
        self.server = loop.run_until_complete(start)


def start_directly(loop):
    return loop.run_until_complete(websockets.serve(handler, "127.0.0.1", 8765))


def maybe_called_from_a_coroutine():
    # Not reported: a coroutine may call this, with its loop running.
    return websockets.serve(handler, "127.0.0.1", 8765)
