import asyncio

import websockets
from websockets.legacy.client import connect as legacy_connect


async def main(uri, flag, handler):
    loop = asyncio.get_running_loop()
    ws = await websockets.connect(uri, loop=loop, read_limit=2**16, legacy_recv=False)
    await websockets.connect(uri, legacy_recv=flag)
    async with websockets.serve(handler, "127.0.0.1", 0, loop=loop):
        pass
    # Legacy client: still accepted there.
    await legacy_connect(uri, loop=loop, read_limit=2**16)
    return ws
