"""A handler served by the explicit legacy server receives legacy connections."""
import websockets.server


async def handler(websocket: websockets.server.WebSocketServerProtocol):
    await websocket.send(websocket.path)


async def main():
    async with websockets.server.serve(handler, "127.0.0.1", 8765):
        pass
