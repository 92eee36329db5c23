# ferry-test: target websockets==13.999
"""Pinned below 14 (`websockets>=12,<14`): the legacy classes are what `connect` gives."""
from websockets.legacy.client import WebSocketClientProtocol

import websockets


async def send(ws: WebSocketClientProtocol, text: str) -> None:
    await ws.send(text)


async def main(uri):
    async with websockets.connect(uri) as ws:
        await send(ws, "hi")
