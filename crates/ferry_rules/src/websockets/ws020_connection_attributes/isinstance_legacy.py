"""An attribute read only after `isinstance(..., <legacy class>)` is true is
read on a legacy connection, where it exists."""
import websockets
from websockets.legacy.client import WebSocketClientProtocol


class Api:
    ws = None

    async def ensure(self, uri):
        if self.ws is None or (isinstance(self.ws, WebSocketClientProtocol) and self.ws.closed):
            self.ws = await websockets.connect(uri)

    def describe(self, ws):
        if isinstance(ws, WebSocketClientProtocol):
            return ws.path
        return ws.request.path
