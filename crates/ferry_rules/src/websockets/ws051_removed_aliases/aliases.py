import websockets
from websockets.http import Headers


def build():
    headers = Headers(X="1")
    uri = websockets.parse_uri("ws://example.invalid/")
    assert isinstance(uri, websockets.WebSocketURI)
    return headers
