import asyncio

import websockets
from websockets.legacy.server import serve as legacy_serve


async def echo(ws):
    async for message in ws:
        await ws.send(message)


def start_later():
    # Not reported: a coroutine may call this while its loop runs.
    return websockets.serve(echo, "127.0.0.1", 0)


async def main():
    # Inside a running loop: fine.
    async with websockets.serve(echo, "127.0.0.1", 8765) as server:
        await server.serve_forever()


if __name__ == "__main__":
    start_server = websockets.serve(echo, "127.0.0.1", 8765)
    asyncio.get_event_loop().run_until_complete(start_server)
    # The legacy server still starts this way (with a DeprecationWarning on 3.12+).
    legacy = legacy_serve(echo, "127.0.0.1", 8766)
    asyncio.get_event_loop().run_forever()
