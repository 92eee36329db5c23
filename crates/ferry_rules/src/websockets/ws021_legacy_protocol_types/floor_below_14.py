# ferry-test: floor websockets==12.0
"""The project still allows websockets 12, where `websockets.connect` gives the
legacy class and `websockets.asyncio` does not exist: the fix is unsafe there."""
import websockets


async def send(ws: websockets.WebSocketClientProtocol, text: str) -> None:
    await ws.send(text)


async def main(uri):
    async with websockets.connect(uri) as ws:
        await send(ws, "hi")
