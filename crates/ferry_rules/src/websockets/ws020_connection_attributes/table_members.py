"""Members only the legacy connections have, from the table measured on the
real classes: an unsafe fix where the new connection has a plain equivalent,
else a review item with what to write."""
import websockets


async def main(uri):
    async with websockets.connect(uri) as ws:
        print(ws.extensions, ws.available_subprotocols)
        await ws.write_frame(True, 0x1, b"hi")
        await ws.ensure_open()


async def handler(websocket):
    print(websocket.origins, websocket.ws_server)


async def serve():
    async with websockets.serve(handler, "127.0.0.1", 0):
        pass
