import websockets
from websockets.legacy.client import connect as legacy_connect


async def fetch(uri, old_uri):
    try:
        await websockets.connect(uri)
        await legacy_connect(old_uri)
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code
