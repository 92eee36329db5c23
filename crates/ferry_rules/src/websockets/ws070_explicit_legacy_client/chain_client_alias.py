import websockets
import websockets.client


async def fetch(uri, h):
    # `websockets.client.connect` is the legacy client on every version. The
    # lone `import websockets.client`, needed by nothing else, becomes
    # `import websockets.asyncio.client`.
    async with websockets.client.connect(uri, extra_headers=h, timeout=5) as ws:
        await ws.send("hi")


async def local(path, h):
    return await websockets.client.unix_connect(path, extra_headers=h)
