import websockets.legacy.client


async def fetch(uri, h):
    async with websockets.legacy.client.connect(uri, extra_headers=h) as ws:
        return await ws.recv()


def is_legacy(ws):
    # Still needs `websockets.legacy.client`: its import stays, and
    # `import websockets.asyncio.client` is added below it.
    return isinstance(ws, websockets.legacy.client.WebSocketClientProtocol)


async def custom(uri, factory):
    # No fix (a review item): it keeps using the legacy module too.
    return await websockets.legacy.client.connect(uri, create_protocol=factory)
