import websockets
from websockets.legacy.client import connect as legacy_connect


async def follow(uri):
    async for ws in websockets.connect(uri):
        await ws.recv()
    async for ws in websockets.connect(uri, process_exception=lambda exc: None):
        await ws.recv()
    # Legacy: retries on everything, as it always did.
    async for ws in legacy_connect(uri):
        await ws.recv()
    # Not a reconnect loop: iterating over messages.
    async with websockets.connect(uri) as ws:
        async for message in ws:
            print(message)
