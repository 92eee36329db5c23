import asyncio

import websockets


async def main(uri, token):
    ws = await asyncio.wait_for(
        websockets.connect(
            uri,  # the gateway
            # headers go here:
            extra_headers={
                "Authorization": f"Bearer {token}",  # extra_headers comment stays
            },
            ping_interval=20,
        ),
        timeout=5,
    )
    return ws


async def nested(uri, h):
    return await asyncio.shield(websockets.connect(websockets.uri_for(uri), extra_headers=h))
