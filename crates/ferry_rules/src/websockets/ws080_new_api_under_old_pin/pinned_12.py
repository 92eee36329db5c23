# ferry-test: target websockets==12.0
"""Below 13.0 there is no `websockets.asyncio` at all."""
import websockets.asyncio.client


async def main(uri):
    async with websockets.asyncio.client.connect(uri) as ws:
        await ws.send("hi")
