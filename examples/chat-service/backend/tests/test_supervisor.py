"""Start-up sequence of the single-process deployment."""

import json

from chat.server import HUB
from chat.supervisor import Supervisor
from chat.vendor_llm import LLMClient


class RecordingTransport:
    def __init__(self):
        self.calls = []

    def __call__(self, url, headers, body, timeout):
        self.calls.append((url, headers, json.loads(body)))
        return 200, json.dumps({"text": "ready"}).encode()


def test_supervisor_starts_server_then_agents(run):
    transport = RecordingTransport()
    llm = LLMClient("https://llm.internal.example", "k-123", transport=transport)

    async def scenario():
        sup = Supervisor(agents=("planner", "researcher"), llm=llm)
        await sup.start()
        try:
            assert sup.port != 0
            assert sup.healthy()
            assert set(HUB.agents) == {"planner", "researcher"}
            assert {h["path"] for h in HUB.handshakes} == {
                "/agents/planner/events",
                "/agents/researcher/events",
            }
            ack = await sup.agents["planner"].publish({"id": "boot", "kind": "status"})
            assert ack["seq"] == 1
        finally:
            await sup.stop()
        assert not sup.healthy()
        return sup

    sup = run(scenario())
    assert sup.warmup_reply == "ready"
    url, headers, body = transport.calls[0]
    assert url == "https://llm.internal.example/v1/completions"
    assert headers["X-Trace"] == "1"
    assert body["prompt"] == "hi"


def test_supervisor_wait_returns_after_stop_request(run):
    async def scenario():
        sup = Supervisor(agents=("planner",))
        await sup.start()
        try:
            sup.request_stop()
            await sup.wait()
        finally:
            await sup.stop()

    run(scenario())
