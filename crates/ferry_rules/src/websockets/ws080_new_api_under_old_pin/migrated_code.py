# ferry-test: target websockets==13.999
"""Code migrated to the new API while the requirement still says `websockets<14`."""
import websockets
from websockets.asyncio.client import connect as new_connect


async def main(uri, h, handler):
    async with websockets.connect(uri, additional_headers=h, open_timeout=5) as ws:
        await ws.send("hi")
    async with websockets.serve(handler=handler, host="127.0.0.1", port=0, process_response=None):
        pass
    # The explicit new client exists on 13.x: fine.
    async with new_connect(uri, additional_headers=h) as ws:
        assert isinstance(ws, websockets.ClientConnection)
