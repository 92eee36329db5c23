"""`isinstance` with the new class proves a new connection; `hasattr` guards the read."""
import websockets
from websockets.asyncio.client import ClientConnection


class Api:
    ws = None

    async def open(self, uri):
        self._conn = websockets.connect(uri)
        self.ws = await self._conn.__aenter__()

    async def ensure(self, uri):
        if self.ws is None or (isinstance(self.ws, ClientConnection) and self.ws.closed):
            await self.open(uri)

    def headers(self, ws):
        if hasattr(ws, "request_headers"):
            return ws.request_headers
        return ws.request.headers

    def headers_inline(self, ws):
        return ws.request_headers if hasattr(ws, "request_headers") else ws.request.headers
