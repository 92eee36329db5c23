import websockets


def build(uri, h):
    try:
        cm = websockets.connect(uri, extra_headers=h)
    except TypeError:
        cm = websockets.connect(uri, additional_headers=h)
    return cm


async def awaited(uri, h):
    try:
        return await websockets.connect(uri, extra_headers=h)
    except (TypeError, OSError):
        return await websockets.connect(uri, additional_headers=h)


async def unrelated(value):
    try:
        return int(value)
    except TypeError:
        return None
