"""The agent event pipeline: agents publish, the backend acks and fans out.

If any of these fail the release is blocked.
"""

import asyncio
import json

import pytest
import websockets

from chat import server as chat_server
from chat.client import AgentEventsClient
from chat.server import HUB, bound_port, running_server


def test_agent_publishes_event_and_gets_ack(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/agents/planner/events"
            agent = AgentEventsClient(uri, "agent-secret")
            welcome = await agent.connect()
            assert welcome["role"] == "agent"
            assert agent.is_connected
            assert agent.server_name == "1"

            ack = await agent.publish({"id": "evt-1", "kind": "tool_call", "tool": "search"})
            assert ack == {"type": "ack", "seq": 1, "id": "evt-1"}
            assert HUB.events == [("planner", {"id": "evt-1", "kind": "tool_call", "tool": "search"})]

            await agent.close()
            assert not agent.is_connected

    run(scenario())


def test_bearer_token_and_path_reach_the_server(run):
    async def scenario():
        async with websockets.serve(
            chat_server.handler,
            "127.0.0.1",
            0,
            extra_headers=[("X-Chat-Server", "1")],
            process_request=chat_server.process_request,
        ) as server:
            port = server.sockets[0].getsockname()[1]
            uri = f"ws://127.0.0.1:{port}/agents/researcher/events?resume=7"
            async with websockets.connect(
                uri,
                extra_headers={"Authorization": "Bearer agent-secret", "X-Agent-Id": "researcher"},
                open_timeout=1,
            ) as ws:
                assert ws.open
                assert ws.response_headers["X-Chat-Server"] == "1"
                welcome = json.loads(await asyncio.wait_for(ws.recv(), 1))

        assert welcome["path"] == "/agents/researcher/events?resume=7"
        assert welcome["query"] == {"resume": "7"}
        seen = chat_server.HUB.handshakes[-1]
        assert seen["path"] == "/agents/researcher/events?resume=7"
        assert seen["authorization"] == "Bearer agent-secret"
        assert seen["agent_id"] == "researcher"
        assert seen["user_agent"].startswith("Python/")

    run(scenario())


def test_bad_token_is_rejected_with_403(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/agents/planner/events"
            with pytest.raises(websockets.exceptions.InvalidStatusCode) as excinfo:
                async with websockets.connect(
                    uri, extra_headers={"Authorization": "Bearer stolen"}, open_timeout=1
                ):
                    pass
            assert excinfo.value.status_code == 403
            assert HUB.handshakes == []

    run(scenario())


def test_missing_token_is_rejected_with_403(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/agents/planner/events"
            try:
                await websockets.connect(uri, open_timeout=1)
            except websockets.exceptions.InvalidStatusCode as e:
                assert e.status_code == 403
            else:
                pytest.fail("handshake without a token was accepted")

    run(scenario())


def test_ops_watcher_sees_agent_events(run):
    async def scenario():
        async with running_server() as server:
            port = bound_port(server)
            watcher = await websockets.connect(
                f"ws://127.0.0.1:{port}/watch",
                extra_headers={"Authorization": "Bearer ops-secret"},
            )
            await asyncio.wait_for(watcher.recv(), 1)  # welcome

            agent = AgentEventsClient(f"ws://127.0.0.1:{port}/agents/planner/events", "agent-secret")
            await agent.connect()
            await agent.publish({"id": "e1", "kind": "status", "status": "thinking"})
            await agent.publish({"id": "e2", "kind": "status", "status": "done"})

            got = [json.loads(await asyncio.wait_for(watcher.recv(), 1)) for _ in range(2)]
            assert [g["event"]["id"] for g in got] == ["e1", "e2"]
            assert {g["agent"] for g in got} == {"planner"}

            await agent.close()
            await watcher.close()

    run(scenario())
