import websockets.legacy.client
import websockets.legacy.server  # noqa: F401


async def _handler(websocket):
    await websocket.send("hi")


async def main(uri):
    async with websockets.legacy.server.serve(_handler, "127.0.0.1", 0):
        # The legacy client still needs `websockets.legacy`: its import stays,
        # and `import websockets.asyncio.server` is added below the first one.
        async with websockets.legacy.client.connect(uri):
            pass
