"""A module whose calls already moved to the new API: its legacy imports are left behind."""
# The new client stays; the legacy imports below go.
import websockets.asyncio.client
import websockets.legacy.server  # left behind by the server's move
import websockets.legacy.client as legacy_client
from websockets.legacy.protocol import WebSocketCommonProtocol
from websockets.legacy import auth as legacy_auth
from websockets import legacy
from websockets.client import connect as legacy_connect, ClientProtocol
from websockets.server import (
    serve,
    ServerProtocol,  # Sans-I/O: not legacy, kept
    broadcast,
)
import websockets.auth
from websockets.legacy.client import connect, unix_connect
from websockets.asyncio.client import connect  # shadows the legacy `connect`

__all__ = ["main", "version", "ClientProtocol"]


async def main(uri):
    async with websockets.asyncio.client.connect(uri) as ws:
        return ws, ServerProtocol, ClientProtocol, connect


def version():
    return websockets.__version__
