import websockets
from websockets.asyncio.server import serve as new_serve
from websockets.datastructures import Headers
from websockets.legacy.server import serve as legacy_serve

STATIC = [("X-Chat-Server", "1")]


def dynamic_headers(path, request_headers):
    return {"X-Path": path}


async def handler(ws):
    await ws.send("hi")


async def main(host, port, computed):
    await websockets.serve(handler, host, port, extra_headers=[("X-Chat-Server", "1")])
    await websockets.serve(handler, host, port, extra_headers={"X-A": "1", "X-B": "2"})
    await websockets.serve(handler, host, port, extra_headers=STATIC, ping_interval=20)
    await new_serve(handler, host, port, extra_headers=Headers(X="1"))
    await websockets.unix_serve(handler, "/tmp/s", extra_headers=dict(X="1"))
    # Only the Server header: server_header says it directly.
    await websockets.serve(handler, host, port, extra_headers={"Server": "chat/1.0"})
    await websockets.serve(handler, host, port, extra_headers=[("Server", "chat/1.0")])
    # A legacy header function (path, request_headers).
    await websockets.serve(handler, host, port, extra_headers=dynamic_headers)
    await websockets.serve(handler, host, port, extra_headers=lambda path, headers: {"X": path})
    # Headers or a function? Ferry cannot tell: unsafe fix.
    await websockets.serve(handler, host, port, extra_headers=computed)
    # Already has process_response: merge by hand.
    await websockets.serve(handler, host, port, extra_headers=STATIC, process_response=None)


async def untouched(host, port):
    # Legacy server: extra_headers is right there.
    await legacy_serve(handler, host, port, extra_headers=STATIC)
    await websockets.legacy.server.serve(handler, host, port, extra_headers=STATIC)
