# Nothing uses the name `websockets` any more: the import goes, with its comment.
import json

import websockets.legacy.client  # the old client


def encode(message):
    return json.dumps(message)
