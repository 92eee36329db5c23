# `websockets` is used at module level before the other import binds it:
# the legacy import is what binds it there, so it stays.
import websockets.legacy.client

VERSION = websockets.__version__

import websockets.asyncio.client  # noqa: E402


async def main(uri):
    async with websockets.asyncio.client.connect(uri) as ws:
        return ws
