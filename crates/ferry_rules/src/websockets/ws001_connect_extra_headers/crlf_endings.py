import websockets


async def main(uri, h):
    # keep CRLF endings
    return await websockets.connect(uri, extra_headers=h)
