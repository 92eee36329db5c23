"""The same annotations in a file that serves with the new `websockets.serve`: fixed."""
from typing import Optional

import websockets
from websockets.legacy.server import WebSocketServerProtocol


async def send(ws: websockets.WebSocketClientProtocol, text: str) -> None:
    await ws.send(text)


async def handler(websocket: WebSocketServerProtocol) -> Optional[str]:
    if isinstance(websocket, WebSocketServerProtocol):
        return websocket.remote_address[0]
    return None


def servers() -> "list[websockets.legacy.server.WebSocketServer]":
    return []


def common(conn: websockets.WebSocketCommonProtocol) -> None:
    pass


def not_the_asyncio_classes(conn: websockets.sync.client.ClientConnection) -> None:
    pass


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0):
        pass
