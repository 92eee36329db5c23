import websockets
from websockets.legacy.server import serve as legacy_serve


async def main(handler, other):
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        print(len(server.websockets))
    start = websockets.serve(handler, "127.0.0.1", 0)
    print(start.ws_server, websockets.serve(handler, "127.0.0.1", 0).ws_server)
    # An awaited server never had ws_server; legacy servers and unknown objects keep theirs.
    running = await websockets.serve(handler, "127.0.0.1", 0)
    print(running.ws_server)
    async with legacy_serve(handler, "127.0.0.1", 0) as old:
        print(old.websockets)
    print(other.websockets)
