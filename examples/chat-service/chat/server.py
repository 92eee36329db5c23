"""Chat backend: chat rooms plus the agent event stream.

Endpoints (all on one websocket port):

* ``/agents/<agent_id>/events`` -- an agent publishes JSON events, each one is
  acknowledged and fanned out to the ops watchers.
* ``/watch``                    -- ops dashboards receive every agent event.
* ``/rooms/<name>``             -- people chat; messages go to the whole room.
* ``/healthz``                  -- plain HTTP 200 for the load balancer.

Every websocket handshake must carry ``Authorization: Bearer <token>``.
"""

import asyncio
import contextlib
import json
import logging
import os
from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

import websockets

log = logging.getLogger("chat.server")

# token -> role.  Overridden in deployments with CHAT_TOKENS="tok:role,tok:role".
DEFAULT_TOKENS = {
    "agent-secret": "agent",
    "user-secret": "user",
    "ops-secret": "ops",
}

# Which roles may open which kind of endpoint.
ROUTE_ROLES = {
    "agents": {"agent", "ops"},
    "rooms": {"user", "ops"},
    "watch": {"ops"},
}

CLOSE_INVALID_TOKEN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_UNKNOWN_PATH = 4404


def load_tokens(env=None):
    env = os.environ if env is None else env
    raw = env.get("CHAT_TOKENS")
    if not raw:
        return dict(DEFAULT_TOKENS)
    tokens = {}
    for item in raw.split(","):
        token, _, role = item.strip().partition(":")
        if token and role:
            tokens[token] = role
    return tokens


TOKENS = load_tokens()


def bearer_token(value):
    """Return the token from an ``Authorization: Bearer ...`` value, or None."""
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class ChatHub:
    """In-memory state of one chat server process."""

    def __init__(self):
        self.rooms = defaultdict(set)
        self.watchers = set()
        self.agents = {}
        # One entry per accepted handshake; the support team reads this when
        # an agent claims it "sent the header".
        self.handshakes = []
        self.events = []

    def reset(self):
        self.__init__()


HUB = ChatHub()


async def process_request(path, request_headers):
    """Reject bad tokens before the websocket handshake completes."""
    if urlsplit(path).path == "/healthz":
        return (200, [("Content-Type", "text/plain")], b"ok\n")
    token = bearer_token(request_headers.get("Authorization"))
    if token is None or token not in TOKENS:
        log.warning("rejected handshake for %s: bad token", path)
        return (403, [], b"forbidden\n")
    return None


def _describe(websocket):
    return f"{websocket.remote_address} {websocket.path}"


async def handler(websocket, path):
    authorization = websocket.request_headers["Authorization"]
    role = TOKENS.get(bearer_token(authorization))
    if role is None:
        # process_request already filters these; kept in case it is disabled.
        await websocket.close(code=CLOSE_INVALID_TOKEN, reason="invalid token")
        return

    url = urlsplit(path)
    parts = [p for p in url.path.split("/") if p]
    route = parts[0] if parts else ""

    HUB.handshakes.append(
        {
            "path": path,
            "authorization": authorization,
            "agent_id": websocket.request_headers.get("X-Agent-Id"),
            "user_agent": websocket.request_headers.get("User-Agent"),
        }
    )

    if route not in ROUTE_ROLES:
        await websocket.close(code=CLOSE_UNKNOWN_PATH, reason="unknown path")
        return
    if role not in ROUTE_ROLES[route]:
        await websocket.close(code=CLOSE_FORBIDDEN, reason=f"{role} may not use /{route}")
        return

    log.info("accepted %s as %s", _describe(websocket), role)
    await websocket.send(
        json.dumps(
            {
                "type": "welcome",
                "path": path,
                "role": role,
                "query": {k: v[-1] for k, v in parse_qs(url.query).items()},
            }
        )
    )

    if route == "agents" and len(parts) >= 2:
        await _agent_stream(websocket, parts[1])
    elif route == "rooms" and len(parts) >= 2:
        await _room(websocket, parts[1])
    elif route == "watch":
        await _watch(websocket)
    else:
        await websocket.close(code=CLOSE_UNKNOWN_PATH, reason="unknown path")


async def _agent_stream(websocket, agent_id):
    HUB.agents[agent_id] = websocket
    seq = 0
    try:
        async for raw in websocket:
            event = json.loads(raw)
            seq += 1
            HUB.events.append((agent_id, event))
            await websocket.send(json.dumps({"type": "ack", "seq": seq, "id": event.get("id")}))
            websockets.broadcast(
                HUB.watchers,
                json.dumps({"type": "agent_event", "agent": agent_id, "seq": seq, "event": event}),
            )
    finally:
        if HUB.agents.get(agent_id) is websocket:
            del HUB.agents[agent_id]


async def _room(websocket, room):
    members = HUB.rooms[room]
    members.add(websocket)
    try:
        async for raw in websocket:
            websockets.broadcast(members, json.dumps({"type": "message", "room": room, "text": raw}))
    finally:
        members.discard(websocket)


async def _watch(websocket):
    HUB.watchers.add(websocket)
    try:
        await websocket.wait_closed()
    finally:
        HUB.watchers.discard(websocket)


async def start_server(host="127.0.0.1", port=8765):
    """Start the chat server and return it (one server per process)."""
    HUB.reset()
    server = await websockets.serve(
        handler,
        host,
        port,
        extra_headers=[("X-Chat-Server", "1")],
        process_request=process_request,
        ping_interval=20,
    )
    log.info("chat server listening on port %d", bound_port(server))
    return server


def bound_port(server):
    """The port the server actually listens on (useful with port=0)."""
    return server.sockets[0].getsockname()[1]


@contextlib.asynccontextmanager
async def running_server(host="127.0.0.1", port=0):
    server = await start_server(host, port)
    try:
        yield server
    finally:
        server.close()
        await server.wait_closed()


if __name__ == "__main__":
    # Same start-up the service has used since the first deployment.
    logging.basicConfig(level=logging.INFO)
    host = os.environ.get("CHAT_HOST", "127.0.0.1")
    port = int(os.environ.get("CHAT_PORT", "8765"))
    start = websockets.serve(
        handler, host, port, extra_headers=[("X-Chat-Server", "1")], process_request=process_request
    )
    asyncio.get_event_loop().run_until_complete(start)
    asyncio.get_event_loop().run_forever()
