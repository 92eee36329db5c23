import websockets


async def fetch(uri, h):
    # After `import websockets` alone, `websockets.asyncio` is not an attribute
    # (`AttributeError`): the fix adds `import websockets.asyncio.client`.
    # (As written, the legacy chain resolves only because another module of
    # the program imports `websockets.legacy.client`.)
    async with websockets.legacy.client.connect(uri, extra_headers=h, timeout=5) as ws:
        return await ws.recv()


async def through_alias(uri):
    # The deprecated alias module: legacy too, moved by the same fix.
    return await websockets.client.connect(uri, read_limit=2**16)
