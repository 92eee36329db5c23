import asyncio

import websockets
import websockets.legacy.server
from myapp.handlers import imported_handler
from websockets.legacy.auth import basic_auth_protocol_factory


async def _handler(websocket, path):
    await websocket.send(path)


async def _shared(websocket, path):
    await websocket.send(path)


async def _check(path, request_headers):
    # A response Ferry cannot turn into connection.respond(...).
    return (403, [("WWW-Authenticate", "Bearer")], b"no\n")


def _select(client_subprotocols, server_subprotocols):
    return server_subprotocols[0]


async def custom(factory, options):
    await websockets.legacy.server.serve(_handler, "127.0.0.1", 0, create_protocol=factory)
    await websockets.legacy.server.serve(_handler, "127.0.0.1", 0, create_protocol=basic_auth_protocol_factory(realm="r"))
    await websockets.legacy.server.serve(_handler, "127.0.0.1", 0, **options)
    await websockets.legacy.server.serve(_handler, "127.0.0.1", 0, legacy_recv=True)
    await websockets.legacy.server.serve(_handler, "127.0.0.1", 0, extra_headers={"X": "1"}, process_response=None)


async def hooks():
    await websockets.legacy.server.serve(imported_handler, "127.0.0.1", 0)
    await websockets.legacy.server.serve(_shared, "127.0.0.1", 0)
    await websockets.legacy.server.serve(_handler, "127.0.0.1", 0, process_request=_check)
    await websockets.legacy.server.serve(_handler, "127.0.0.1", 0, select_subprotocol=_select, subprotocols=["a"])


async def direct_call(websocket):
    # Someone else calls the handler with the path: it cannot lose it.
    await _shared(websocket, "/direct")


start_server = websockets.legacy.server.serve(_handler, "127.0.0.1", 8765)
asyncio.get_event_loop().run_until_complete(start_server)
