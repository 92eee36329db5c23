"""Nothing holds websockets back: the new API is right."""
import websockets


async def main(uri, h):
    async with websockets.connect(uri, additional_headers=h) as ws:
        assert isinstance(ws, websockets.ClientConnection)
