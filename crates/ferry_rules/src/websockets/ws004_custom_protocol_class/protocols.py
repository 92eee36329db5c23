import websockets
from websockets.legacy.auth import basic_auth_protocol_factory
from websockets.legacy.client import WebSocketClientProtocol


class TracingProtocol(WebSocketClientProtocol):
    pass


async def main(uri, handler):
    await websockets.connect(uri, create_protocol=TracingProtocol)
    await websockets.connect(uri, klass=TracingProtocol)
    await websockets.serve(
        handler,
        "127.0.0.1",
        0,
        create_protocol=basic_auth_protocol_factory(realm="chat", credentials=("u", "p")),
    )
    # Legacy client: create_protocol is right there.
    await websockets.legacy.client.connect(uri, create_protocol=TracingProtocol)
