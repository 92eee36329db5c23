import websockets
from websockets.legacy.client import connect as legacy_connect


async def local_dict(uri, headers):
    opts = {"extra_headers": headers, "ping_interval": 20, 'timeout': 5}
    return await websockets.connect(uri, **opts)


async def built_with_dict(uri, headers):
    opts = dict(extra_headers=headers)
    return await websockets.connect(uri, **opts)


async def filled_later(uri, headers):
    opts = {}
    opts["extra_headers"] = headers
    return await websockets.connect(uri, **opts)


async def inline(uri, headers, header_kwarg):
    await websockets.connect(uri, **{"extra_headers": headers})
    await websockets.connect(uri, **{header_kwarg: headers})


def open_ws(url, extra_headers=None, **kw):
    # The wrapper's own parameter keeps its name; the forwarded **kw is a review item.
    return websockets.connect(url, additional_headers=extra_headers, **kw)


async def escapes(uri, headers):
    opts = {"extra_headers": headers}
    log(opts)
    return await websockets.connect(uri, **opts)


async def untouched(uri, headers, settings):
    # Legacy client: the old key is right.
    opts = {"extra_headers": headers}
    await legacy_connect(uri, **opts)
    # A dict with nothing to rename.
    fine = {"ping_interval": 20}
    await websockets.connect(uri, **fine)
