import websockets
from websockets.legacy.client import connect as legacy_connect


async def fetch(uri):
    # The guarded code reaches only the new client: safe to rename here,
    # even though this file also talks to a legacy gateway below.
    try:
        return await websockets.connect(uri)
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code


async def gateway(uri):
    return await legacy_connect(uri, extra_headers={"X": "1"})
