# -*- coding: latin-1 -*-
import websockets


async def main(uri):
    # café
    return await websockets.connect(uri, extra_headers={"X-Name": "café"})
