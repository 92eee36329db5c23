# The only import of the package, which the file still uses: kept (it is
# what binds `websockets`; replacing it with `import websockets` is a human's call).
import websockets.legacy.client


def version():
    return websockets.__version__
