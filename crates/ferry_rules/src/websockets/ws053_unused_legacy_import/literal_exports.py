# `__all__` is literal: what it lists is used (re-exported), the rest is not.
from websockets.legacy.client import connect, unix_connect
from websockets.legacy.server import serve, unix_serve
from websockets.legacy import protocol

__all__ = ["connect"]
__all__ += ["serve"]
__all__.append("helper")


def helper():
    return 1
