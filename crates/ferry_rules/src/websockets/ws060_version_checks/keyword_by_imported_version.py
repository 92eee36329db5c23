# ferry-test: target websockets==15.0.1
# The version comes from the project's own module; websockets is not imported here.
from app.compat import WS_MAJOR

HEADER_KEYWORD = "extra_headers" if WS_MAJOR >= 12 else "additional_headers"
