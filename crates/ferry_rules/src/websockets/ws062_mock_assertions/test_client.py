from unittest import mock

import client


def test_headers_are_sent():
    with mock.patch("websockets.connect") as connect:
        client.open_feed("ws://example.invalid/")
    assert connect.call_args.kwargs["extra_headers"] == {"X-Token": "t"}
    assert connect.call_args[1]['timeout'] == 5
    connect.assert_called_once_with("ws://example.invalid/", extra_headers={"X-Token": "t"}, timeout=5)


def test_unrelated(session):
    # Not a call_args read: left alone.
    assert session.options["extra_headers"] == {}
