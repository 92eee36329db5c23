# A chain through the package reaches the legacy client: it works only because
# some import loaded `websockets.legacy`, so no legacy import is reported here,
# not even the unused `serve`.
import websockets
import websockets.legacy.client
from websockets.legacy.server import serve


def make(uri):
    return websockets.legacy.client.connect(uri)
