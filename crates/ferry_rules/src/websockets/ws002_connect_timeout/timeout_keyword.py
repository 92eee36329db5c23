import asyncio
import functools

import websockets
from websockets.asyncio.client import connect as new_connect
from websockets.legacy.client import connect as legacy_connect
from websockets.sync.client import connect as sync_connect


async def main(uri, h):
    async with websockets.connect(uri, extra_headers=h, timeout=5) as ws:
        await ws.send("x")
    await new_connect(uri, timeout=1)
    factory = functools.partial(websockets.unix_connect, "/tmp/s", timeout=2)
    return factory


async def around(uri):
    # This timeout belongs to wait_for, not to connect.
    return await asyncio.wait_for(websockets.connect(uri), timeout=5)


async def legacy(uri):
    # The legacy client still accepts timeout (with a DeprecationWarning).
    return await legacy_connect(uri, timeout=5)


def threading(uri):
    # The threading client passes timeout to socket.create_connection.
    with sync_connect(uri, timeout=5) as ws:
        return ws.recv()


async def both(uri):
    return await websockets.connect(uri, timeout=5, close_timeout=10)


def requests_like(session, url):
    return session.get(url, timeout=5)


async def spread(uri, defaults):
    # defaults may already hold close_timeout: the rename is only offered as unsafe.
    return await websockets.connect(uri, timeout=5, **defaults)
