"""Every way of reaching the new client that WS001 must see through."""
import functools
from functools import partial

import websockets
import websockets as wsl
import websockets.asyncio.client
import websockets.asyncio.client as aclient
from websockets import connect
from websockets import connect as c
from websockets import unix_connect
from websockets.asyncio.client import connect as new_connect
from websockets.sync.client import connect as sync_connect

HEADERS = {"Authorization": "Bearer t"}


async def top_level(uri):
    async with websockets.connect(uri, extra_headers=HEADERS) as ws:
        await ws.send("hi")


async def module_alias(uri):
    return await wsl.connect(uri, extra_headers=HEADERS)


async def dotted_import(uri):
    return await websockets.asyncio.client.connect(uri, extra_headers=HEADERS)


async def module_as(uri):
    return await aclient.connect(uri, extra_headers=HEADERS)


async def from_import(uri):
    return await connect(uri, extra_headers=HEADERS)


async def from_import_as(uri):
    return await c(uri, extra_headers=HEADERS)


async def unix(path):
    return await unix_connect(path, extra_headers=HEADERS)


async def explicit_new(uri):
    return await new_connect(uri, extra_headers=HEADERS)


def threading_client(uri):
    with sync_connect(uri, extra_headers=HEADERS) as ws:
        return ws.recv()


async def local_import(uri):
    import websockets as w

    return await w.connect(uri, extra_headers=HEADERS)


async def local_from_import(uri):
    from websockets.asyncio.client import connect as open_ws

    return await open_ws(uri, extra_headers=HEADERS)


class Agent:
    connector = functools.partial(websockets.connect, extra_headers=HEADERS)
    other = partial(connect, "ws://x", extra_headers=HEADERS)

    async def run(self, uri):
        return await websockets.connect(uri, extra_headers=HEADERS)


ALIAS = websockets.connect


async def assigned_alias(uri):
    return await ALIAS(uri, extra_headers=HEADERS)
