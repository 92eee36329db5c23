"""`# noqa` silences findings on its line, as linters do."""
import websockets


async def main(uri, h):
    await websockets.connect(uri, extra_headers=h)  # noqa: WS001
    await websockets.connect(uri, extra_headers=h)  # noqa
    await websockets.connect(uri, extra_headers=h)  # noqa: E501
    await websockets.connect(uri, extra_headers=h)
