import websockets.legacy.client


async def fetch(uri, h):
    # The legacy import serves only these calls: it becomes
    # `import websockets.asyncio.client`.
    async with websockets.legacy.client.connect(uri, extra_headers=h) as ws:
        await ws.send("hi")


async def local(path):
    return await websockets.legacy.client.unix_connect(path, loop=None)
