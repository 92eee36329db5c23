"""Handlers kept apart from the `serve` call: websockets is not imported here."""


async def relay(websocket, hub):
    while websocket.open:
        await hub.forward(await websocket.recv())
    return websocket.path
