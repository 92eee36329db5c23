"""Agent-events client for the chat backend.

Every agent process keeps one websocket open to ``/agents/<agent_id>/events``
and publishes its events (tool calls, status changes, hand-offs) on it.  The
backend checks the opening handshake, so the bearer token travels as an HTTP
header: we hand it to the websockets library through ``extra_headers`` when
the connection is opened, never in the first message.
"""

import asyncio
import functools
import json
import logging

import websockets
from websockets import connect as ws_connect
from websockets.legacy.client import connect as legacy_connect

log = logging.getLogger("chat.client")


class NotConnectedError(RuntimeError):
    pass


class AuthRejected(Exception):
    def __init__(self, status):
        super().__init__(f"chat backend rejected the token (HTTP {status})")
        self.status = status


def auth_headers(token):
    return {"Authorization": f"Bearer {token}"}


class AgentEventsClient:
    """One agent's event stream to the chat backend."""

    def __init__(self, uri, token, recv_timeout=5.0):
        self.uri = uri
        self.token = token
        self.recv_timeout = recv_timeout
        self.ws = None
        self.welcome = None

    async def connect(self):
        uri, token = self.uri, self.token
        # Before the auth rollout agents connected with the shared header dict:
        # ws = await websockets.connect(uri,
        #                               extra_headers=headers)
        self.ws = await websockets.connect(uri, extra_headers={"Authorization": f"Bearer {token}"}, timeout=5)
        self.welcome = json.loads(await asyncio.wait_for(self.ws.recv(), self.recv_timeout))
        log.info("agent stream open: %s", self.welcome)
        return self.welcome

    @property
    def is_connected(self):
        return self.ws is not None and self.ws.open

    @property
    def server_name(self):
        if self.ws is None:
            return None
        return self.ws.response_headers.get("X-Chat-Server")

    async def publish(self, event):
        if self.ws is None or not self.ws.open:
            raise NotConnectedError(f"not connected to {self.uri}")
        await self.ws.send(json.dumps(event))
        ack = json.loads(await asyncio.wait_for(self.ws.recv(), self.recv_timeout))
        if ack.get("type") != "ack":
            raise RuntimeError(f"unexpected reply: {ack!r}")
        return ack

    async def close(self):
        if self.ws is not None and self.ws.open:
            await self.ws.close()


async def probe(uri, token, timeout=2.0):
    """Open a short-lived connection and return the backend's welcome message."""
    headers = auth_headers(token)
    async with ws_connect(uri, extra_headers=headers, open_timeout=timeout) as ws:
        return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def watch_events(uri, token, count, timeout=2.0):
    """Collect ``count`` agent events from the ops feed (used by the dashboard)."""
    import websockets as ws

    events = []
    async with ws.connect(uri, extra_headers=auth_headers(token), open_timeout=timeout) as conn:
        await asyncio.wait_for(conn.recv(), timeout)  # welcome
        while len(events) < count:
            events.append(json.loads(await asyncio.wait_for(conn.recv(), timeout)))
    return events


async def open_agent_socket(uri, token, agent_id):
    """Open a raw agent socket; the caller owns (and must close) it."""
    headers = {"Authorization": f"Bearer {token}", "X-Agent-Id": agent_id}
    opts = {"extra_headers": headers, "ping_interval": 20}
    return await websockets.connect(uri, **opts)


def make_connector(token, open_timeout=5):
    """Return ``connect(uri)`` with the agent's credentials already bound."""
    return functools.partial(
        websockets.connect,
        extra_headers={"Authorization": f"Bearer {token}"},
        open_timeout=open_timeout,
    )


async def check_token(uri, token, timeout=2.0):
    """Return the caller's role, or raise AuthRejected if the token is refused."""
    try:
        async with websockets.connect(uri, extra_headers=auth_headers(token), open_timeout=timeout) as ws:
            welcome = json.loads(await asyncio.wait_for(ws.recv(), timeout))
            return welcome["role"]
    except websockets.exceptions.InvalidStatusCode as e:
        if e.status_code in (401, 403):
            raise AuthRejected(e.status_code) from e
        raise


async def forward_to_gateway(gateway_uri, token, event, timeout=2.0):
    """Mirror an event to the v1 audit gateway and return its receipt."""
    # gw-v1 sits on the internal network and is reached directly, while agent
    # pods have the corporate *_proxy variables set. The legacy client never
    # reads them, which is what gw-v1 needs. Kept on the legacy implementation
    # on purpose until gw-v1 is retired: do not migrate this call.
    async with legacy_connect(gateway_uri, extra_headers={"Authorization": f"Bearer {token}"}, open_timeout=timeout) as gw:
        await gw.send(json.dumps(event))
        return json.loads(await asyncio.wait_for(gw.recv(), timeout))
