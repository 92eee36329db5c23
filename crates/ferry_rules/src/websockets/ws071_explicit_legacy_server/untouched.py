import websockets
import websockets.asyncio.server
from websockets.asyncio.server import serve as new_serve
from websockets.legacy.client import connect
from websockets.sync.server import serve as sync_serve

try:
    from websockets.asyncio.server import serve as either
except ImportError:
    from websockets.legacy.server import serve as either


def serve(handler, host, port):
    """The project's own serve."""
    return (handler, host, port)


async def handler(websocket):
    await websocket.send("hi")


async def main():
    async with new_serve(handler, "127.0.0.1", 0):
        pass
    async with websockets.asyncio.server.serve(handler, "127.0.0.1", 0):
        pass
    async with websockets.serve(handler, "127.0.0.1", 0):
        pass
    async with either(handler, "127.0.0.1", 0):
        pass
    async with connect("ws://127.0.0.1:1/", extra_headers={"X": "1"}):
        pass
    serve(handler, "127.0.0.1", 0)
    with sync_serve(lambda ws: None, "127.0.0.1", 0):
        pass
