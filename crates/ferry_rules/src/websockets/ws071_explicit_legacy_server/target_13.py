# ferry-test: target websockets==13.1
import websockets
from websockets.legacy.server import serve


async def _handler(websocket, path):
    await websocket.send(path)


async def _other(websocket, path):
    await websocket.send(path)


async def main():
    # Top-level `websockets.serve` is the legacy server on 13.x, but not an explicit one: left alone.
    async with websockets.serve(_other, "127.0.0.1", 0):
        pass
    # The explicit one moves to `websockets.asyncio.server`, which 13.x has too.
    async with serve(_handler, "127.0.0.1", 0):
        pass
