"""The explicit legacy client gives legacy connections on every release:
the legacy class is the right one to check against."""
import websockets
import websockets.client


async def open_connection(uri: str) -> websockets.client.WebSocketClientProtocol:
    conn = await websockets.client.connect(uri)
    assert isinstance(conn, websockets.client.WebSocketClientProtocol)
    return conn
