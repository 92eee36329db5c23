"""An alias of the legacy exception, imported in two places: both imports move, and so do the status reads."""
import websockets

try:
    from websockets.exceptions import InvalidStatusCode as Rejected
except ImportError:
    from websockets.legacy.exceptions import InvalidStatusCode as Rejected


async def main(uri):
    try:
        async with websockets.connect(uri) as ws:
            await ws.recv()
    except Rejected as e:
        return e.status_code
