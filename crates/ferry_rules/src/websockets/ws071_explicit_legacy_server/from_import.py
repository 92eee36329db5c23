from websockets.legacy.server import serve


async def handler(websocket, path):
    """Echo the path."""
    await websocket.send(path)


async def process_request(path, request_headers):
    if path == "/healthz":
        return (200, [], b"ok\n")
    if request_headers.get("Authorization") != "Bearer good":
        return (403, [], b"forbidden\n")
    return None


def select(client_subprotocols, server_subprotocols):
    return "chat" if "chat" in client_subprotocols else None


async def main():
    async with serve(
        handler,
        "127.0.0.1",
        8765,
        extra_headers={"X-Server": "chat"},
        process_request=process_request,
        select_subprotocol=select,
        subprotocols=["chat"],
        origins=["https://example.com", ""],
        timeout=5,
        loop=None,
        read_limit=2**16,
    ) as server:
        await server.serve_forever()


async def second():
    # A second call through the same import moves with the first one.
    server = await serve(handler, "127.0.0.1", 8766, close_timeout=None, legacy_recv=False)
    server.close()
