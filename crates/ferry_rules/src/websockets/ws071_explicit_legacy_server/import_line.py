from websockets.legacy.server import HTTPResponse, serve
from websockets.server import ServerProtocol, unix_serve


async def _handler(websocket):
    await websocket.send("hi")


def respond() -> HTTPResponse:
    return (200, [], b"")


async def main():
    await serve(_handler, "127.0.0.1", 0)
    await unix_serve(_handler, "/tmp/chat.sock")
    return ServerProtocol
