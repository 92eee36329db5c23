"""A handler passed to the explicit legacy server gets legacy connections, whatever
its annotation says (an earlier tool may have rewritten it)."""
import websockets.server
from websockets.asyncio.server import ServerConnection


async def handler(websocket: ServerConnection):
    await websocket.send(websocket.path)


async def main():
    async with websockets.server.serve(handler, "127.0.0.1", 8765):
        pass
