import websockets
import websockets.legacy.server


async def _handler(websocket, path):
    await websocket.send(path)


async def first():
    async with websockets.legacy.server.serve(_handler, "127.0.0.1", 0):
        pass


async def second():
    # The deprecated alias module: legacy too. The legacy import, needed by nothing
    # else, becomes the import of the new module.
    async with websockets.server.serve(_handler, "127.0.0.1", 0, timeout=None):
        pass
