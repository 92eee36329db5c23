import http
from urllib.parse import urlsplit

import websockets
from websockets.legacy.server import serve as legacy_serve

TOKENS = {"secret"}


async def process_request(path, request_headers):
    """Reject bad tokens before the websocket handshake completes."""
    if urlsplit(path).path == "/healthz":
        return (200, [("Content-Type", "text/plain")], b"ok\n")
    if request_headers.get("Authorization") not in TOKENS:
        return (http.HTTPStatus.FORBIDDEN, [], b"forbidden\n")
    return None


def health_only(path, request_headers):
    if path == "/healthz":
        return http.HTTPStatus.OK, [], b"OK\n"


async def custom_headers(path, request_headers):
    # Extra headers in the response: rewrite by hand.
    return (401, [("WWW-Authenticate", "Bearer")], b"login\n")


async def new_style(connection, request):
    if request.path == "/healthz":
        return connection.respond(200, "ok\n")


async def legacy_only(path, request_headers):
    return (403, [], b"no\n")


async def main():
    async with websockets.serve(lambda ws: None, "127.0.0.1", 0, process_request=process_request):
        pass
    await websockets.serve(lambda ws: None, "127.0.0.1", 0, process_request=health_only)
    await websockets.serve(lambda ws: None, "127.0.0.1", 0, process_request=custom_headers)
    await websockets.serve(lambda ws: None, "127.0.0.1", 0, process_request=new_style)
    await legacy_serve(lambda ws, path: None, "127.0.0.1", 0, process_request=legacy_only)
