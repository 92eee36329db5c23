import websockets.legacy.server as wls
from websockets.legacy import server as legacy_server


async def _echo(websocket):
    # Already takes only the connection: nothing to change in it.
    async for message in websocket:
        await websocket.send(message)


async def _route(websocket, path):
    await websocket.send(path)


async def unix(socket_path):
    async with wls.unix_serve(_echo, socket_path, max_queue=64):
        pass


async def tcp() -> wls.WebSocketServer:
    return await wls.serve(_route, "127.0.0.1", 0)


async def other():
    async with legacy_server.serve(_echo, "127.0.0.1", 0):
        pass
