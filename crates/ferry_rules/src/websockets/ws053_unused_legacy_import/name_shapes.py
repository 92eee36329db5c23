# Unused names go, the names still used stay. The no-alias import stays while
# anything in the file resolves into `websockets.legacy`, through any binding.
import websockets.legacy.protocol
import os.path, websockets.legacy.auth as legacy_auth, json
import websockets.legacy.client as client, websockets.asyncio.client as client  # the first `client` is never seen
from websockets.legacy.client import connect, unix_connect as uc, WebSocketClientProtocol
from websockets.legacy.server import (serve,
    WebSocketServerProtocol)
from websockets.legacy.exceptions import (
    InvalidStatusCode,
    # a comment on its own line stays
    AbortHandshake,  # goes with its line
    RedirectHandshake,
)
from websockets.client import (
    WebSocketClientProtocol as LegacyClient, ClientProtocol,
    connect as legacy_connect,
)


def annotate(ws: WebSocketClientProtocol, server: WebSocketServerProtocol):
    return os, json, InvalidStatusCode, RedirectHandshake, ClientProtocol, client.connect
