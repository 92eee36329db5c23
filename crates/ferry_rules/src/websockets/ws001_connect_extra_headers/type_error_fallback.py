"""A fallback on `TypeError` around the awaited call works on both sides of the
break: no finding. Around a call that is not awaited there, it never runs."""
import websockets


async def awaited(uri, h):
    try:
        return await websockets.connect(uri, additional_headers=h)
    except TypeError:
        return await websockets.connect(uri, extra_headers=h)


async def entered(uri, h):
    try:
        async with websockets.connect(uri, extra_headers=h) as ws:
            await ws.send("hi")
    except TypeError:
        async with websockets.connect(uri, additional_headers=h) as ws:
            await ws.send("hi")


def never_runs(uri, h):
    try:
        return websockets.connect(uri, extra_headers=h)
    except TypeError:
        return websockets.connect(uri, additional_headers=h)
