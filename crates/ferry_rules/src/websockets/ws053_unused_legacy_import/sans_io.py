# Not legacy: the Sans-I/O modules and their names (the deprecated aliases
# live in the same modules, but these imports do not reach them).
import websockets.client
import websockets.server
from websockets.client import ClientProtocol
from websockets.server import ServerProtocol
from websockets import client, server
