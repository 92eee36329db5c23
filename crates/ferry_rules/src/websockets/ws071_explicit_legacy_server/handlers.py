import functools

from websockets.legacy.server import serve


async def stateful(state, websocket, path):
    state.seen(path)
    await websocket.send("hi")


async def _with_default(websocket, path=None):
    # The legacy server calls it with the connection only (path stays None): unchanged.
    await websocket.send(str(path))


class ChatServer:
    async def handle(self, websocket, path):
        await websocket.send(websocket.request_headers["X-Token"] + path)

    async def start(self, state):
        async with serve(self.handle, "127.0.0.1", 0):
            pass
        async with serve(functools.partial(stateful, state), "127.0.0.1", 0):
            pass
        async with serve(_with_default, "127.0.0.1", 0):
            pass
        async with serve(lambda websocket: websocket.close(), "127.0.0.1", 0):
            pass

    def start_later(self):
        # In a plain def: the new server needs a running loop when it is called.
        return serve(self.handle, "127.0.0.1", 0)
