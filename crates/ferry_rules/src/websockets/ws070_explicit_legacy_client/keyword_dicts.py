"""Keywords in a `**` dict move with the call, or the call is left for review."""
import websockets.client


async def literal(url):
    connect_args = {"extra_headers": {"X-Token": "t"}, "ping_interval": 5}
    return await websockets.client.connect(url, **connect_args)


async def stored(url):
    connect_args = dict(timeout=5)
    connect_args["extra_headers"] = {"X-Token": "t"}
    return await websockets.client.connect(url, **connect_args)


async def updated(url, extra=None):
    connect_args = {"extra_headers": {"X-Token": "t"}}
    connect_args.update(extra or {})
    return await websockets.client.connect(url, **connect_args)


async def forwarded(url, **kwargs):
    return await websockets.client.connect(url, **kwargs)
