import websockets


def select(client_subprotocols, server_subprotocols):
    return "chat" if "chat" in client_subprotocols else None


def pick_common(client_subprotocols, server_subprotocols):
    common = [p for p in client_subprotocols if p in server_subprotocols]
    return common[0] if common else None


def new_style(connection, subprotocols):
    return subprotocols[0] if subprotocols else None


async def main(handler):
    await websockets.serve(handler, "127.0.0.1", 0, select_subprotocol=select)
    await websockets.serve(handler, "127.0.0.1", 0, select_subprotocol=pick_common)
    await websockets.serve(handler, "127.0.0.1", 0, select_subprotocol=new_style)
