"""A handler for each exception works with either client: no finding."""
import websockets
from websockets.exceptions import InvalidStatus, InvalidStatusCode


async def check(uri):
    try:
        async with websockets.connect(uri) as ws:
            await ws.recv()
    except InvalidStatus as e:
        return e.response.status_code
    except InvalidStatusCode as e:
        return e.status_code
