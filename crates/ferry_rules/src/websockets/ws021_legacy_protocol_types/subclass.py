from websockets.legacy.client import WebSocketClientProtocol


class TracingProtocol(WebSocketClientProtocol):
    async def recv(self):
        return await super().recv()


def check(ws: WebSocketClientProtocol) -> bool:
    return isinstance(ws, WebSocketClientProtocol)
