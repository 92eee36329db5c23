# Marked as kept on purpose: a review item, since it still warns.
import websockets.legacy.client  # noqa: F401
from websockets.legacy.server import serve  # noqa
