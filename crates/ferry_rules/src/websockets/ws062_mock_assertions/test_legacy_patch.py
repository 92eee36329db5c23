from unittest import mock

import client


def test_legacy_client_keeps_its_keywords():
    # websockets.client.connect is the legacy client: extra_headers stays right.
    with mock.patch("websockets.client.connect") as connect:
        client.open_legacy("ws://example.invalid/")
    assert connect.call_args.kwargs["extra_headers"] == {"X-Token": "t"}
