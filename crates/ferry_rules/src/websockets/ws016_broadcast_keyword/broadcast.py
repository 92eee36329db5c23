import websockets
from websockets.legacy.server import broadcast as legacy_broadcast


def announce(clients, text):
    websockets.broadcast(websockets=clients, message=text)
    websockets.broadcast(clients, text)
    # Legacy broadcast: its parameter is still called websockets.
    legacy_broadcast(websockets=clients, message=text)
