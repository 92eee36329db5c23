# Names Ferry does not follow (deleted, rebound through `global`, augmented)
# and a star import (which names it gives cannot be told): left alone.
from websockets.legacy.client import connect
from websockets.legacy.server import serve
from websockets.legacy.protocol import WebSocketCommonProtocol
from websockets.legacy.auth import *

del connect


def stop():
    global serve
    serve = None


WebSocketCommonProtocol += ()
