# ferry-test: target websockets==13.1
"""With websockets pinned below 14, websockets.connect is the legacy client."""
import websockets
from websockets.asyncio.client import connect as new_connect


async def main(uri, h):
    await websockets.connect(uri, extra_headers=h)
    await new_connect(uri, extra_headers=h)
