"""A hand migration that renamed the exception but kept its attributes."""
import pytest
import websockets
from websockets.exceptions import InvalidStatus


async def main(uri):
    try:
        async with websockets.connect(uri) as ws:
            await ws.recv()
    except InvalidStatus as e:
        if e.status_code == 403:
            return e.headers.get("Retry-After")
        raise
    except (OSError, websockets.InvalidStatus) as e:
        return e.status_code


async def test_rejected(uri):
    with pytest.raises(InvalidStatus) as excinfo:
        await websockets.connect(uri)
    assert excinfo.value.status_code == 401
    assert excinfo.value.response.status_code == 401


class Response:
    status_code = 200


def unrelated(e: Response):
    # Not an exception caught as `InvalidStatus`: left alone.
    return e.status_code
