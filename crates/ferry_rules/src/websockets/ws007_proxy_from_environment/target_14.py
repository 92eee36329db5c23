# ferry-test: target websockets==14.2
"""On 14.x there are no environment proxies, and proxy= would be a TypeError."""
import websockets


async def main(uri):
    await websockets.connect(uri)
