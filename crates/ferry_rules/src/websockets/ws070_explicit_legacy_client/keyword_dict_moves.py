"""A dict Ferry sees whole moves with the call."""
import websockets.client


async def literal(url):
    connect_args = {"extra_headers": {"X-Token": "t"}, "ping_interval": 5}
    return await websockets.client.connect(url, **connect_args)


async def stored(url):
    connect_args = dict(timeout=5)
    connect_args["extra_headers"] = {"X-Token": "t"}
    return await websockets.client.connect(url, **connect_args)
