import asyncio
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# Every test drives real loopback sockets; nothing may take longer than this.
TEST_TIMEOUT = 2.0


@pytest.fixture
def run():
    """Run a coroutine in a fresh event loop, failing it after TEST_TIMEOUT."""

    def _run(coro, timeout=TEST_TIMEOUT):
        return asyncio.run(asyncio.wait_for(coro, timeout))

    return _run
