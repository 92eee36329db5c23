"""Both branches bind the name: renaming one import would leave the other's uses unbound."""
import websockets

try:
    from websockets.legacy.client import WebSocketClientProtocol
except ImportError:
    from websockets.client import WebSocketClientProtocol


async def send(ws: WebSocketClientProtocol, text: str) -> None:
    await ws.send(text)


async def main(uri):
    async with websockets.connect(uri) as ws:
        await send(ws, "hi")
