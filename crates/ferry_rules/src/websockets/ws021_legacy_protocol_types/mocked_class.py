"""A test that mocks the legacy server class: nothing here shows a new
connection, so renaming the class would swap the patched mock for the new,
unpatched `Server`. A review item, not a fix."""
import asyncio
from unittest.mock import patch

import websockets


def test_stop():
    future = asyncio.Future(loop=asyncio.new_event_loop())
    with patch("websockets.server.WebSocketServer.close"):
        future.set_result(websockets.WebSocketServer)
