# ferry-test: floor websockets==10.4
"""From 10.4 on, comparing the version as text with "14" answers right for every
release: no finding. With "14.2", 14.10 would compare wrong."""
import websockets

NEW_API = websockets.__version__ >= "14"
NEW_CLASSES = websockets.__version__ >= "14.2"
