async def fetch(uri, h):
    # The package is imported only here, not at the top of the file where the
    # new module's import would go: a review item, no fix.
    import websockets.legacy.client

    return await websockets.legacy.client.connect(uri, extra_headers=h)
