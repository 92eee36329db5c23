import websockets

try:
    from websockets.asyncio.client import connect
except ImportError:
    from websockets.legacy.client import connect


async def both_keywords(uri, a, b):
    return await websockets.connect(uri, extra_headers=a, additional_headers=b)


async def ambiguous(uri, h):
    return await connect(uri, extra_headers=h)
