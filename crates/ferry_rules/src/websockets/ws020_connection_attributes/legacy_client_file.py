"""A file that uses the legacy client: a connection-like name is no evidence
of a new connection."""
from typing import Optional

from websockets.legacy.client import WebSocketClientProtocol, connect


class KeepAlive:
    def __init__(self):
        self.websocket: Optional[WebSocketClientProtocol] = None

    async def start(self, uri):
        self.websocket = await connect(uri, extra_headers={"Origin": "x"})

    def is_dead(self):
        return self.websocket is None or self.websocket.closed
