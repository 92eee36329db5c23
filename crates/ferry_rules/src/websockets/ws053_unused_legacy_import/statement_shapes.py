import os; import websockets.legacy.client
import websockets.legacy.server; import sys
import websockets.legacy.protocol;  # trailing semicolon and comment
import json, websockets.legacy.auth
# a comment before the import stays
from websockets.legacy.exceptions import (
    InvalidStatusCode,  # inside the statement: goes with it
    AbortHandshake,
)
x = 1; from websockets.legacy.client import connect; y = 2


def use():
    return os, sys, json, x, y
import websockets.legacy.framing