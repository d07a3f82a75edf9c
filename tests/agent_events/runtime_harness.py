"""The agent process with its event receivers on, and the standard senders that feed it.

Senders are the tools a POP has: net-snmp's snmptrap/snmpinform and util-linux's logger,
run as subprocesses (so the event loop of the test keeps serving the hub's MQTT client).
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from protocol import AgentHealth, DeviceEventBatch, EventRecord
from tests.agent_delivery.helpers import Hub
from tests.agent_e2e.harness import Agent
from tests.services._proc import free_port, require_binary
from tests.services.snmp import Snmpd

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
SENDER_ENGINE = "0x8000000001020304"
V3_USER = "noc-traps"
V3_AUTH = "auth-pass-2026"
V3_PRIV = "priv-pass-2026"
# A second device sends from this loopback address (listed in its event_sources).
ROUTER_SOURCE = "127.0.0.2"


@dataclass
class EventsPop:
    """One agent config with traps and syslog on free loopback ports."""

    dir: Path
    agent_id: str
    password: str
    community: str = field(default_factory=lambda: f"trap-{uuid.uuid4().hex[:12]}")
    trap_port: int = field(default_factory=lambda: free_port(socket.SOCK_DGRAM))
    syslog_udp: int = field(default_factory=lambda: free_port(socket.SOCK_DGRAM))
    syslog_tcp: int = field(default_factory=free_port)

    @property
    def config(self) -> Path:
        """agent.yaml."""
        return self.dir / "agent.yaml"

    def write(self, broker_port: int, snmpd: Snmpd, interval_s: float = 2) -> None:
        """pop-linux is the real snmpd polled on 127.0.0.1 (so traps from 127.0.0.1 are its);
        core-rtr is polled nowhere useful and sends from ROUTER_SOURCE."""
        dead = free_port(socket.SOCK_DGRAM)
        self.config.write_text(f"""
agent:
  id: {self.agent_id}
  state_dir: {self.dir / "state"}
broker: {{host: 127.0.0.1, port: {broker_port}, tls: false}}
polling: {{interval_s: {interval_s}, timeout_s: 1, retries: 0}}
health_interval_s: 5
events:
  traps:
    listen: 127.0.0.1
    port: {self.trap_port}
    engine_id: 80001f8880c0ffee01
    users:
      - user: {V3_USER}
        auth_proto: SHA
        auth_key: ${{TEST_TRAP_AUTH_KEY}}
        priv_proto: AES
        priv_key: ${{TEST_TRAP_PRIV_KEY}}
        engine_ids: ["{SENDER_ENGINE}"]
  syslog: {{listen: 127.0.0.1, udp_port: {self.syslog_udp}, tcp_port: {self.syslog_tcp}}}
devices:
  - name: pop-linux
    host: 127.0.0.1
    port: {snmpd.port}
    snmp: {{community: {snmpd.community}}}
  - name: core-rtr
    host: 127.0.0.3
    port: {dead}
    profile: cisco_ios
    interval_s: 30
    timeout_s: 0.5
    event_sources: [{ROUTER_SOURCE}]
""")

    def agent(self) -> Agent:
        """The agent process (not started); trap secrets come from the environment."""
        agent = Agent(self.config, self.password)
        agent.env.update({"DOTMAC_AGENT_TRAP_COMMUNITIES": self.community,
                          "TEST_TRAP_AUTH_KEY": V3_AUTH, "TEST_TRAP_PRIV_KEY": V3_PRIV})
        return agent

    @property
    def trap_target(self) -> str:
        """Where net-snmp senders send."""
        return f"udp:127.0.0.1:{self.trap_port}"

    def status(self) -> dict:  # type: ignore[type-arg]
        """The agent's status.json ({} before the first write)."""
        path = self.dir / "state" / "status.json"
        try:
            return json.loads(path.read_text())  # type: ignore[no-any-return]
        except (FileNotFoundError, json.JSONDecodeError):
            return {}


async def run_tool(binary: str, package: str, *argv: str,
                   env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a sender tool without blocking the loop; (exit code, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        require_binary(binary, package), *argv,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin", **(env or {})})
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    return int(proc.returncode or 0), err.decode(errors="replace")


async def snmp(tool: str, *argv: str) -> None:
    """net-snmp's snmptrap/snmpinform without MIBs or local config; fails on non-zero exit
    (snmpinform exits non-zero unless the agent acknowledged)."""
    rc, err = await run_tool(tool, "snmp", "-m", "", "-M", "/nonexistent", *argv,
                             env={"MIBS": "", "SNMPCONFPATH": "/nonexistent"})
    assert rc == 0, f"{tool} failed: {err}"


async def logger(pop: EventsPop, *argv: str, tcp: bool = False) -> None:
    """util-linux logger to the agent's syslog port (UDP, or TCP)."""
    port = pop.syslog_tcp if tcp else pop.syslog_udp
    rc, err = await run_tool("logger", "bsdutils", "-n", "127.0.0.1", "-P", str(port),
                             "-T" if tcp else "-d", *argv, env={"TZ": "UTC"})
    assert rc == 0, f"logger failed: {err}"


def link_down(pop: EventsPop, if_index: int, *more: str,
              community: str | None = None) -> tuple[str, ...]:
    """snmptrap arguments of a v2c linkDown for `if_index`."""
    return ("-v2c", "-c", community or pop.community, *more, pop.trap_target, "", LINK_DOWN,
            f"{IF_INDEX}.{if_index}", "i", str(if_index))


def events(hub: Hub) -> list[EventRecord]:
    """Every event the hub received, once each (a redelivered batch repeats event ids)."""
    seen: dict[uuid.UUID, EventRecord] = {}
    for received in hub.messages(DeviceEventBatch):
        batch = received.message
        assert isinstance(batch, DeviceEventBatch)
        for event in batch.events:
            seen.setdefault(event.event_id, event)
    return list(seen.values())


def find(hub: Hub, **match: object) -> list[EventRecord]:
    """Received events whose fields (and `labels` items given as a dict) match."""
    labels = match.pop("labels", {})
    assert isinstance(labels, dict)
    return [e for e in events(hub)
            if all(getattr(e, k) == v for k, v in match.items())
            and all(e.labels.get(k) == v for k, v in labels.items())]


def healths(hub: Hub) -> list[AgentHealth]:
    """Health messages in arrival order."""
    return [r.message for r in hub.messages(AgentHealth)]  # type: ignore[misc]


def rss_kib(pid: int) -> int:
    """The process's resident set size (VmRSS) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")
