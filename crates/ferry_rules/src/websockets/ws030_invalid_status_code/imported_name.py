from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatusCode


async def fetch(uri):
    try:
        return await connect(uri)
    except InvalidStatusCode as exc:
        return exc.status_code


async def aliased(uri):
    from websockets.exceptions import InvalidStatusCode as Rejected

    try:
        return await connect(uri)
    except Rejected as exc:
        return exc.headers
