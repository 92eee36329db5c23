"""Calls WS001 must leave alone: legacy targets, other libraries, shadowed names."""
import openai
import websockets
import websockets.client
from websockets import client
from websockets.legacy import client as lc
from websockets.legacy.client import connect as legacy_connect

HEADERS = {"X-Token": "t"}


async def explicit_legacy(uri):
    # Still correct on websockets 13.1 to 17.x: legacy keeps extra_headers.
    await legacy_connect(uri, extra_headers=HEADERS)
    await websockets.legacy.client.connect(uri, extra_headers=HEADERS)
    await lc.connect(uri, extra_headers=HEADERS)


async def deprecated_module_aliases(uri):
    await websockets.client.connect(uri, extra_headers=HEADERS)
    await client.connect(uri, extra_headers=HEADERS)


def other_library(prompt):
    llm = openai.OpenAI()
    return llm.chat.completions.create(model="m", messages=[], extra_headers=HEADERS)


def connect(url, extra_headers=None):
    """The project's own connect, with its own extra_headers parameter."""
    return (url, extra_headers)


def own_function():
    return connect("ws://x", extra_headers=HEADERS)


async def shadowed_by_parameter(websockets, uri):
    return await websockets.connect(uri, extra_headers=HEADERS)


async def shadowed_by_assignment(uri):
    ws = make_pool()
    return await ws.connect(uri, extra_headers=HEADERS)


async def receiver_is_not_websockets(session, uri):
    return await session.ws_connect(uri, extra_headers=HEADERS)


async def already_renamed(uri):
    return await websockets.connect(uri, additional_headers=HEADERS)
