import websockets


async def main(uri, h):
    return await websockets.connect(uri, extra_headers=h)  # café
