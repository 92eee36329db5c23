# Legacy imports the file still uses: none is reported.
import websockets.legacy.client as legacy_client
from websockets.legacy.server import serve, WebSocketServerProtocol
from websockets.client import connect
from websockets.server import unix_serve
from websockets.legacy import protocol
from websockets.auth import BasicAuthWebSocketServerProtocol
from websockets.legacy.exceptions import InvalidStatusCode

__all__ = ["InvalidStatusCode"]  # re-exported for the callers of this module


class Guarded(BasicAuthWebSocketServerProtocol):
    pass


async def main(uri, handler: "WebSocketServerProtocol"):
    async with serve(handler, "localhost", 0):
        async with connect(uri, extra_headers={"X-Token": "t"}) as ws:
            return ws, legacy_client.connect, unix_serve, protocol.WebSocketCommonProtocol
