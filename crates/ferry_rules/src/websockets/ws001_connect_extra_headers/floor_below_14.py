# ferry-test: floor websockets==10.4
"""The project allows websockets 10.4, where top-level `connect` is the legacy
client and rejects `additional_headers`: the rename is unsafe until the floor
is raised. The explicit new client takes it on every release that has it."""
import websockets
from websockets.asyncio.client import connect as new_connect


async def main(uri, h):
    await websockets.connect(uri, extra_headers=h)
    await new_connect(uri, extra_headers=h)
