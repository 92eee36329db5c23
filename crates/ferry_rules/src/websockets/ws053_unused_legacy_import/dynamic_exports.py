# `__all__` is computed: any name may be exported, so none is reported.
import other
from websockets.legacy.client import connect
from websockets.legacy import protocol

__all__ = ["connect"] + other.NAMES
