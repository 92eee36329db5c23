import websockets

NEW_API = websockets.__version__ >= "14"
BROKEN = websockets.version >= "14"
MAJOR = int(websockets.__version__.split(".")[0])
HEADER_KWARG = "extra_headers" if MAJOR >= 12 else "additional_headers"


def fine(version):
    # Not websockets' version: left alone.
    return version >= "1.0"
