# Imports that are not plain module-level statements are left alone, used or not.
from typing import TYPE_CHECKING

# A compatibility shim: removing it means rewriting the whole block.
try:
    from websockets.legacy.client import connect
except ImportError:
    connect = None

# Never runs, so it never warns.
if TYPE_CHECKING:
    from websockets.legacy.server import WebSocketServerProtocol


def lazy():
    # Warns only when called; often lazy on purpose.
    import websockets.legacy.client
    from websockets.legacy.server import serve

    return 1


class Box:
    from websockets.legacy.protocol import WebSocketCommonProtocol
