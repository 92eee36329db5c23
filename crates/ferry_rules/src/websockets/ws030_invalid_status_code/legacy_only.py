# ferry-test: target websockets==13.1
"""Pinned below 14: websockets.connect is the legacy client, which raises InvalidStatusCode."""
import websockets


async def fetch(uri):
    try:
        return await websockets.connect(uri)
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code
