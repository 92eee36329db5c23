import websockets
from websockets.legacy.server import serve as legacy_serve


async def echo(ws):
    async for message in ws:
        await ws.send(message)


async def main():
    async with websockets.serve(ws_handler=echo, host="127.0.0.1", port=0):
        pass
    await legacy_serve(ws_handler=echo, host="127.0.0.1", port=0)
    await websockets.serve(echo, "127.0.0.1", 0)
