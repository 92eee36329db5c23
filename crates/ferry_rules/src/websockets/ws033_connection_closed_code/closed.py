import logging

import websockets
from websockets.exceptions import ConnectionClosedError

log = logging.getLogger(__name__)


async def pump(ws):
    try:
        async for message in ws:
            print(message)
    except ConnectionClosedError as exc:
        log.warning("closed with %s: %s", exc.code, exc.reason)
    except websockets.exceptions.ConnectionClosed as e:
        return e.code


def unrelated(response):
    return response.code
