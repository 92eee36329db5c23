import websockets
import websockets.framing
from websockets.handshake import build_request


def frame_type():
    return websockets.framing.Frame


def fine():
    return websockets.frames.Frame
