import websockets
from websockets.legacy.server import serve as legacy_serve


async def main(handler):
    await websockets.serve(handler, "127.0.0.1", 0, origins=["https://example.com", ""])
    await websockets.serve(handler, "127.0.0.1", 0, origins=("https://example.com", None))
    # Legacy: "" is still how it is written there.
    await legacy_serve(handler, "127.0.0.1", 0, origins=["https://example.com", ""])
