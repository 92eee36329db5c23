import functools

import websockets
from websockets.legacy.server import serve as legacy_serve


async def handler(websocket, path):
    """Public: another module may call it, so the fix is unsafe."""
    await websocket.send(f"you asked for {path}")


async def _echo(ws, path=None):
    # The path is not used: only the parameter goes.
    async for message in ws:
        await ws.send(message)


async def _routed(websocket, path):
    if path == "/health":
        await websocket.close()


async def _unused_name(websocket, route):
    def inner(route):
        return route

    return inner(1)


async def new_style(websocket):
    await websocket.send(websocket.request.path)


async def _legacy_only(websocket, path):
    await websocket.send(path)


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0):
        pass
    async with websockets.serve(_echo, "127.0.0.1", 0), websockets.serve(_routed, "127.0.0.1", 0):
        pass
    await websockets.serve(handler=_unused_name, host="127.0.0.1", port=0)
    await websockets.serve(new_style, "127.0.0.1", 0)
    # The legacy server still passes the path.
    await legacy_serve(_legacy_only, "127.0.0.1", 0)
    # Through a partial, other code may call it with two arguments: a review item.
    await websockets.serve(functools.partial(handler), "127.0.0.1", 0)
