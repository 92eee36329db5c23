# ferry-test: target websockets==13.1
# On 13.x the legacy modules are the API and import without a warning.
import websockets.legacy.client
from websockets.legacy.server import serve
from websockets.client import connect
