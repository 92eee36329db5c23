# ferry-test: target websockets==13.1
"""Pinned below 14: unknown receivers are not guessed at."""


def ready(ws):
    return ws.open
