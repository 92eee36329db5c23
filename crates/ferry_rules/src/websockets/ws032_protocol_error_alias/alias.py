import websockets
from websockets.exceptions import WebSocketProtocolError


async def read(ws):
    try:
        return await ws.recv()
    except WebSocketProtocolError:
        return None
    except (websockets.exceptions.WebSocketProtocolError, OSError):
        return None
