import functools

import websockets


async def stateful(state, websocket, path):
    state.seen(path)
    await websocket.send("hi")


async def new_stateful(state, websocket):
    await websocket.send(state.greeting)


class ChatServer:
    async def handle(self, websocket, path):
        await websocket.send(path)

    async def handle_new(self, websocket):
        await websocket.send(websocket.request.path)

    async def start(self, state):
        await websockets.serve(self.handle, "127.0.0.1", 0)
        await websockets.serve(self.handle_new, "127.0.0.1", 0)
        await websockets.serve(functools.partial(stateful, state), "127.0.0.1", 0)
        await websockets.serve(functools.partial(new_stateful, state), "127.0.0.1", 0)
