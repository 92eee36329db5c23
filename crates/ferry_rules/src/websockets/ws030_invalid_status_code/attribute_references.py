import pytest
import websockets


async def fetch(uri):
    try:
        ws = await websockets.connect(uri)
    except websockets.exceptions.InvalidStatusCode as e:
        if e.status_code in (401, 403):
            raise PermissionError(e.status_code) from e
        print(e.headers.get("WWW-Authenticate"))
        raise
    return ws


async def test_rejected(uri):
    with pytest.raises(websockets.exceptions.InvalidStatusCode) as excinfo:
        await websockets.connect(uri)
    assert excinfo.value.status_code == 403


def unrelated(response):
    # Not an exception caught here: left alone.
    return response.status_code
