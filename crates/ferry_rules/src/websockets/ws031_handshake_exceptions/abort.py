import websockets
from websockets.exceptions import AbortHandshake


async def process_request(path, request_headers):
    if "Authorization" not in request_headers:
        raise AbortHandshake(401, [], b"login\n")
    if path == "/old":
        raise websockets.exceptions.RedirectHandshake("ws://example.invalid/new")
