"""Dicts written with the new names, or picked by a check, are migrated code."""
import inspect

import websockets


async def updated(uri, h, extra):
    options = {"additional_headers": h}
    options.update(extra)
    return await websockets.connect(uri, **options)


async def picked(uri, h):
    new_api = "additional_headers" in inspect.signature(websockets.connect).parameters
    options = {"additional_headers": h} if new_api else {"extra_headers": h}
    return await websockets.connect(uri, **options)


async def unknown(uri, h, extra):
    options = {"ping_interval": 5}
    options.update(extra)
    return await websockets.connect(uri, **options)
