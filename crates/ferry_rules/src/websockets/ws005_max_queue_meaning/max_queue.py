import websockets
from websockets.legacy.client import connect as legacy_connect


async def main(uri, handler):
    await websockets.connect(uri, max_queue=64)
    await websockets.serve(handler, "127.0.0.1", 0, max_queue=None)
    # Legacy: still messages.
    await legacy_connect(uri, max_queue=64)
