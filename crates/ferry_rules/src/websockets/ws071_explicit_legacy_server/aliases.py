from websockets.legacy.server import serve as legacy_serve, WebSocketServerProtocol, broadcast

CONNECTIONS = set()


async def _register(websocket: WebSocketServerProtocol, path):
    CONNECTIONS.add(websocket)
    try:
        await websocket.wait_closed()
    finally:
        CONNECTIONS.remove(websocket)


def announce(text):
    broadcast(websockets=CONNECTIONS, message=text)


def is_connection(obj):
    return isinstance(obj, WebSocketServerProtocol)


async def main():
    server = await legacy_serve(ws_handler=_register, host="127.0.0.1", port=0, extra_headers=[("Server", "chat/1.0")])
    await server.wait_closed()
