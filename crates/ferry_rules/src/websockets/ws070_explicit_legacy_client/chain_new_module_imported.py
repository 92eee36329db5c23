import websockets
from websockets.asyncio.client import ClientConnection


async def fetch(uri, h):
    # The from-import above imports `websockets.asyncio.client`, which makes it
    # an attribute of the package: no second import is added.
    async with websockets.legacy.client.connect(uri, extra_headers=h) as ws:
        return isinstance(ws, ClientConnection)
