"""Connections Ferry can prove are new-implementation objects, and ones it cannot."""
import websockets
from websockets.asyncio.server import ServerConnection
from websockets.legacy.client import connect as legacy_connect


def _describe(websocket):
    return f"{websocket.remote_address} {websocket.path}"


async def handler(websocket):
    token = websocket.request_headers["Authorization"]
    print(_describe(websocket), token, websocket.host, websocket.port)
    if not websocket.open:
        return
    while websocket.open and token:
        await websocket.recv()
    return websocket.closed == False


async def client(uri):
    async with websockets.connect(uri) as ws:
        print(ws.response_headers.get("Server"), ws.path, ws.port)
    ws2 = await websockets.connect(uri)
    if ws2.closed:
        return
    async for ws3 in websockets.connect(uri):
        print(ws3.open)
        print(ws3.secure)


def annotated(conn: ServerConnection):
    return conn.request_headers


class Agent:
    def __init__(self):
        self.ws = None

    async def start(self, uri):
        self.ws = await websockets.connect(uri)

    def ready(self):
        return self.ws is not None and self.ws.open


async def untouched(uri, request, f):
    # Unknown receivers: never rewritten.
    print(request.path, f.closed, request.open)
    # Legacy client objects keep their attributes.
    async with legacy_connect(uri) as old:
        print(old.open, old.path)
    # A method named open is something else.
    async with websockets.connect(uri) as ws:
        ws.open()


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0):
        pass
