import websockets
import websockets.legacy.server


async def _handler(websocket, path):
    await websocket.send(path)


async def first():
    async with websockets.legacy.server.serve(_handler, "127.0.0.1", 0):
        pass


async def second():
    # The deprecated alias module: legacy too. One import is added for both calls.
    async with websockets.server.serve(_handler, "127.0.0.1", 0, timeout=None):
        pass
