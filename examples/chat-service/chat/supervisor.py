"""Start-up sequence for a single-process deployment.

1. start the chat server,
2. connect every configured agent to its event stream,
3. warm up the LLM used for room summaries (optional),
4. wait until asked to stop, then shut everything down in reverse order.
"""

import asyncio
import functools
import logging
import os
import signal

from chat.client import AgentEventsClient
from chat.server import bound_port, start_server

log = logging.getLogger("chat.supervisor")


class Supervisor:
    def __init__(self, host="127.0.0.1", port=0, agents=("planner", "researcher"),
                 agent_token="agent-secret", llm=None, connect_timeout=5.0):
        self.host = host
        self.port = port
        self.agent_names = list(agents)
        self.agent_token = agent_token
        self.llm = llm
        self.connect_timeout = connect_timeout
        self.server = None
        self.agents = {}
        self.warmup_reply = None
        self.summarize = None
        self._stop = asyncio.Event()

    def agent_uri(self, name):
        return f"ws://{self.host}:{self.port}/agents/{name}/events"

    async def start(self):
        self.server = await start_server(self.host, self.port)
        self.port = bound_port(self.server)
        log.info("server up on %s:%d", self.host, self.port)

        clients = {name: AgentEventsClient(self.agent_uri(name), self.agent_token)
                   for name in self.agent_names}
        await asyncio.wait_for(
            asyncio.gather(*(c.connect() for c in clients.values())),
            self.connect_timeout,
        )
        self.agents = clients
        log.info("agents connected: %s", ", ".join(clients))

        if self.llm is not None:
            client = self.llm
            self.warmup_reply = client.complete("hi", extra_headers={"X-Trace": "1"})
            self.summarize = functools.partial(client.complete, extra_headers={"X-Trace": "supervisor"})
        return self

    def healthy(self):
        return bool(self.agents) and all(c.ws.open for c in self.agents.values())

    def request_stop(self):
        self._stop.set()

    async def wait(self):
        await self._stop.wait()

    async def stop(self):
        for client in self.agents.values():
            await client.close()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


async def main():
    logging.basicConfig(level=logging.INFO)
    sup = Supervisor(
        host=os.environ.get("CHAT_HOST", "127.0.0.1"),
        port=int(os.environ.get("CHAT_PORT", "8765")),
        agent_token=os.environ.get("AGENT_TOKEN", "agent-secret"),
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, sup.request_stop)
    await sup.start()
    try:
        await sup.wait()
    finally:
        await sup.stop()


if __name__ == "__main__":
    asyncio.run(main())
