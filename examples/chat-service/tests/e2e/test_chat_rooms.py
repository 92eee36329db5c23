"""End-to-end: people chatting in rooms, plus the access rules on paths."""

import asyncio
import json

import pytest
import websockets

from chat.server import CLOSE_FORBIDDEN, CLOSE_UNKNOWN_PATH, bound_port, running_server

USER = {"Authorization": "Bearer user-secret"}


def test_two_users_chat_in_a_room(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/rooms/general"
            async with websockets.connect(uri, extra_headers=USER) as alice, \
                    websockets.connect(uri, extra_headers=USER) as bob:
                for ws in (alice, bob):
                    welcome = json.loads(await asyncio.wait_for(ws.recv(), 1))
                    assert welcome["path"] == "/rooms/general"
                    assert welcome["role"] == "user"

                await alice.send("hello bob")
                for ws in (alice, bob):
                    msg = json.loads(await asyncio.wait_for(ws.recv(), 1))
                    assert msg == {"type": "message", "room": "general", "text": "hello bob"}

    run(scenario())


def test_agent_token_cannot_join_a_room(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/rooms/general"
            async with websockets.connect(uri, extra_headers={"Authorization": "Bearer agent-secret"}) as ws:
                with pytest.raises(websockets.exceptions.ConnectionClosed):
                    await asyncio.wait_for(ws.recv(), 1)
                assert not ws.open
                assert ws.close_code == CLOSE_FORBIDDEN
                assert ws.close_reason == "agent may not use /rooms"

    run(scenario())


def test_unknown_path_is_closed(run):
    async def scenario():
        async with running_server() as server:
            uri = f"ws://127.0.0.1:{bound_port(server)}/nope"
            ws = await websockets.connect(uri, extra_headers=USER)
            try:
                await asyncio.wait_for(ws.recv(), 1)
            except websockets.exceptions.ConnectionClosedError:
                pass
            assert ws.closed
            assert ws.close_code == CLOSE_UNKNOWN_PATH

    run(scenario())


def test_healthz_is_plain_http(run):
    async def scenario():
        async with running_server() as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", bound_port(server))
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), 1)
            writer.close()
            await writer.wait_closed()
        assert data.startswith(b"HTTP/1.1 200 OK\r\n")
        assert data.endswith(b"\r\n\r\nok\n")

    run(scenario())
