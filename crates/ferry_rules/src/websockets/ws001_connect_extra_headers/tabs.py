import websockets


async def main(uri, h):
	if uri:
		return await websockets.connect(uri,	extra_headers=h)   
