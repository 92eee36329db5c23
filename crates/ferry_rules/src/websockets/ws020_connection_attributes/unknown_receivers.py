"""Receivers Ferry cannot type: only connection-like names are flagged."""
from websockets.legacy.server import serve as legacy_serve

from .client import open_agent_socket


async def helper_result(uri):
    ws = await open_agent_socket(uri)
    # Unsafe fix: state works on both implementations.
    assert ws.open
    return ws


def supervisor(clients):
    return [c for c in clients if c.ws.closed]


def describe(websocket):
    # Review only: request.path does not exist on legacy connections.
    return websocket.path, websocket.request_headers


def files(f, request):
    # Not connection-like names: left alone.
    return f.closed, request.path


async def legacy_handler(ws, path):
    # Passed to the legacy server below: its attributes are right.
    return ws.open, ws.path


async def main():
    await legacy_serve(legacy_handler, "127.0.0.1", 0)


def database(conn, c):
    # Other libraries' connections and sockets have .closed too: left alone.
    return conn.closed, c.socket.closed, c.connection.open
