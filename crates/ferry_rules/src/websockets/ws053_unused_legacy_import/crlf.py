import sys
import websockets.legacy.client
from websockets.server import (
    serve,
    ServerProtocol,
)


def handler(protocol: ServerProtocol):
    return sys.argv, protocol
