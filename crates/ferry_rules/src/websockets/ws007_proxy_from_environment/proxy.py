import websockets


async def main(uri, opts):
    async with websockets.connect(uri) as ws:
        await ws.send("x")
    await websockets.connect(
        uri,
        open_timeout=5,
    )
    # Already explicit, or maybe inside **opts: left alone.
    await websockets.connect(uri, proxy=None)
    await websockets.connect(uri, **opts)
