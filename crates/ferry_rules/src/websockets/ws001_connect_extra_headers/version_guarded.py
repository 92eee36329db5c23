"""Code that already picks the keyword by the installed version works on both sides."""
import inspect

import websockets
from packaging.version import Version

USE_EXTRA_HEADERS = Version(websockets.__version__) < Version("14.0")
WS_MAJOR = int(websockets.__version__.split(".")[0])


async def by_flag(uri, headers):
    if USE_EXTRA_HEADERS:
        return await websockets.connect(uri, extra_headers=headers)
    else:
        return await websockets.connect(uri, additional_headers=headers)


async def by_major(uri, headers):
    if WS_MAJOR < 14:
        return await websockets.connect(uri, extra_headers=headers)
    return await websockets.connect(uri, additional_headers=headers)


async def by_tuple(uri, headers):
    if websockets.version.version_tuple < (14,):
        return await websockets.connect(uri, extra_headers=headers)
    return await websockets.connect(uri, additional_headers=headers)


async def by_signature(uri, headers):
    if "additional_headers" in inspect.signature(websockets.connect).parameters:
        return await websockets.connect(uri, additional_headers=headers)
    return await websockets.connect(uri, extra_headers=headers)


async def unguarded(uri, headers):
    return await websockets.connect(uri, extra_headers=headers)
