"""Removing the last keyword keeps the comment of the keyword before it."""
import websockets


async def main(uri, loop):
    async with websockets.connect(
        uri,
        max_size=2**20,  # 1MB message size limit
        loop=loop
    ) as ws:
        await ws.send("hi")
    async with websockets.connect(
        uri,
        max_size=2**20,  # 1MB message size limit
        loop=loop,
    ) as ws:
        await ws.send("hi")
