from websockets import *


def is_ws(obj):
    return isinstance(obj, WebSocketClientProtocol)


async def fetch(uri):
    try:
        return await connect(uri)
    except InvalidStatusCode:
        return None


def local_name(InvalidMessage):
    # A parameter, not the star import: left alone.
    return InvalidMessage
