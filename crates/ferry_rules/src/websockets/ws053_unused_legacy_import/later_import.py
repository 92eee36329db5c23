# The package is imported again below; the functions run after both imports,
# so they see the later one: the legacy import goes.
import websockets.legacy.client
import websockets


def connector():
    return websockets.connect
