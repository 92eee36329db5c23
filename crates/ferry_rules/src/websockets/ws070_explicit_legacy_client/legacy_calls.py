import websockets
from websockets.legacy.client import connect as legacy_connect


async def gateway(uri, h):
    async with legacy_connect(uri, extra_headers=h, timeout=5) as ws:
        await ws.send("x")
    return await legacy_connect(uri, read_limit=2**16)


async def chain(uri, h):
    return await websockets.legacy.client.connect(uri, extra_headers=h, loop=None)


async def custom(uri, factory):
    return await websockets.client.connect(uri, create_protocol=factory)
