"""Gateway helpers.

The old code passed extra_headers to the gateway; it now sends tokens differently.
"""
import websockets

# ws = await websockets.connect(uri, extra_headers=headers)
# TODO: extra_headers
LOG_FORMAT = "connecting with extra_headers=%s"


async def open_gateway(uri):
    """Open the gateway (no extra_headers any more)."""
    # await websockets.connect(
    #     uri,
    #     extra_headers={"X": "1"},
    # )
    return await websockets.connect(uri)
