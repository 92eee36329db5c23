"""Integration tests for the helper functions in chat.client."""

import asyncio
import json

import pytest
import websockets.legacy.server

from chat import client
from chat.server import HUB, bound_port, running_server


def test_probe_returns_welcome(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/rooms/lobby?nick=ann"
            welcome = await client.probe(uri, "user-secret")
        assert welcome["type"] == "welcome"
        assert welcome["path"] == "/rooms/lobby?nick=ann"
        assert welcome["query"] == {"nick": "ann"}

    run(scenario())


def test_watch_events_collects_agent_events(run):
    async def scenario():
        async with running_server() as server:
            port = bound_port(server)
            watch = asyncio.create_task(
                client.watch_events(f"ws://127.0.0.1:{port}/watch", "ops-secret", count=1)
            )
            while not HUB.watchers:
                await asyncio.sleep(0.01)
            agent = client.AgentEventsClient(f"ws://127.0.0.1:{port}/agents/a7/events", "agent-secret")
            await agent.connect()
            await agent.publish({"id": "x", "kind": "handoff"})
            events = await watch
            await agent.close()
        assert events[0]["agent"] == "a7"
        assert events[0]["event"] == {"id": "x", "kind": "handoff"}

    run(scenario())


def test_open_agent_socket_sends_agent_id_header(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/agents/a1/events"
            ws = await client.open_agent_socket(uri, "agent-secret", "a1")
            try:
                assert ws.open
                await asyncio.wait_for(ws.recv(), 1)
            finally:
                await ws.close()
        assert HUB.handshakes[-1]["agent_id"] == "a1"
        assert HUB.handshakes[-1]["authorization"] == "Bearer agent-secret"

    run(scenario())


def test_partial_connector_binds_credentials(run):
    async def scenario():
        async with running_server() as server:
            connect = client.make_connector("ops-secret", open_timeout=1)
            async with connect(f"ws://127.0.0.1:{bound_port(server)}/watch") as ws:
                welcome = json.loads(await asyncio.wait_for(ws.recv(), 1))
        assert welcome["role"] == "ops"

    run(scenario())


def test_check_token_roles_and_rejection(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/agents/a1/events"
            assert await client.check_token(uri, "agent-secret") == "agent"
            with pytest.raises(client.AuthRejected) as excinfo:
                await client.check_token(uri, "expired-token")
        assert excinfo.value.status == 403

    run(scenario())


def test_publish_requires_an_open_connection(run):
    async def scenario():
        agent = client.AgentEventsClient("ws://127.0.0.1:9/agents/a1/events", "agent-secret")
        with pytest.raises(client.NotConnectedError):
            await agent.publish({"id": "too-early"})

    run(scenario())


def test_forward_to_legacy_gateway(run):
    """gw-v1 stand-in: an old gateway built on the legacy server API."""
    received = []

    async def gateway(ws):
        received.append((ws.path, ws.request_headers["Authorization"]))
        event = json.loads(await ws.recv())
        await ws.send(json.dumps({"receipt": f"gw1-{event['id']}"}))

    async def scenario():
        async with websockets.legacy.server.serve(gateway, "127.0.0.1", 0) as gw:
            port = gw.sockets[0].getsockname()[1]
            return await client.forward_to_gateway(
                f"ws://127.0.0.1:{port}/audit", "gw-token", {"id": "e9", "kind": "tool_call"}
            )

    assert run(scenario()) == {"receipt": "gw1-e9"}
    assert received == [("/audit", "Bearer gw-token")]
