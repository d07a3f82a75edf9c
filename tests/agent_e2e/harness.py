"""Shared pieces of the agent end-to-end tests: config writer, agent process, hub views."""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from protocol import Inventory, TelemetryBatch
from tests.agent_delivery.helpers import Hub
from tests.services._proc import ManagedProcess, free_port

BIN = Path(sys.executable).parent
INTERVAL_S = 2
# snmpsim answers big recordings slowly (about 1 s per poll when idle, several times that on
# a loaded 2-core CI box); a longer interval keeps their polls inside the scheduler's
# deadline (2 x interval).
SIM_INTERVAL_S = 4


def write_config(path: Path, agent_id: str, mosquitto, snmpd, snmpsim) -> None:  # type: ignore[no-untyped-def]
    """Two recordings, the real snmpd and a dead address, polled every 2 s."""
    dead_port = free_port(kind=2)
    path.write_text(f"""
agent:
  id: {agent_id}
  state_dir: {path.parent / "state"}
broker:
  host: 127.0.0.1
  port: {mosquitto.port}
  tls: false
polling:
  interval_s: {INTERVAL_S}
  timeout_s: 1
  retries: 0
health_interval_s: 5
devices:
  - name: pop-linux
    host: 127.0.0.1
    port: {snmpd.port}
    snmp: {{community: {snmpd.community}}}
  - name: pop-cisco
    host: 127.0.0.1
    port: {snmpsim.port}
    interval_s: {SIM_INTERVAL_S}
    timeout_s: 10
    snmp: {{community: {snmpsim.communities["cisco-ios"]}}}
  - name: pop-arista
    host: 127.0.0.1
    port: {snmpsim.port}
    profile: arista_eos
    interval_s: {SIM_INTERVAL_S}
    timeout_s: 10
    snmp: {{community: {snmpsim.communities["arista-eos"]}}}
  - name: pop-dead
    host: 127.0.0.1
    port: {dead_port}
""")


class Agent:
    """The agent process under test."""

    def __init__(self, config: Path, password: str) -> None:
        self.config = config
        self.env = {"DOTMAC_AGENT_BROKER_PASSWORD": password, "DOTMAC_AGENT_COMMUNITY": "none"}
        self.proc: ManagedProcess | None = None

    def start(self) -> None:
        argv = [str(BIN / "dotmac-agent"), "run", "--config", str(self.config)]
        self.proc = ManagedProcess(argv, self.config.parent / "agent.log", env=self.env).start()

    @property
    def log(self) -> str:
        return (self.config.parent / "agent.log").read_text()


def samples(hub: Hub, device: str, metric: str) -> list[tuple[float, str, int | float]]:
    """(sample time, ifIndex, value) of one metric of one device, deduplicated by seq."""
    seen: set[int] = set()
    rows = []
    for received in hub.messages(TelemetryBatch):
        batch = received.message
        if batch.seq in seen:
            continue
        seen.add(batch.seq)
        rows += [(s.ts.timestamp(), s.labels.get("ifIndex", ""), s.value)
                 for s in batch.samples if s.device == device and s.metric == metric]
    return rows


def arrival_times(hub: Hub, device: str) -> list[float]:
    """A device's poll times in the order the hub first received them (redeliveries ignored)."""
    order: list[float] = []
    for ts, _index, _value in samples(hub, device, "sys_uptime_ticks"):
        if ts not in order:
            order.append(ts)
    return order


def inventoried(hub: Hub) -> set[str]:
    """Devices whose inventory the hub has received."""
    return {d.device for r in hub.messages(Inventory) for d in r.message.devices}


def cycle_times(hub: Hub, device: str) -> list[float]:
    """Distinct poll times of a device, from its sysUpTime samples."""
    return sorted({ts for ts, _i, _v in samples(hub, device, "sys_uptime_ticks")})


async def wait_until(check, within_s: float, what: str) -> None:  # type: ignore[no-untyped-def]
    """Poll ``check`` until true or fail naming ``what``."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out after {within_s}s waiting for {what}")


def assert_no_missing_cycle(times: list[float], since: float) -> None:
    """Consecutive polls are one interval apart: nothing produced was lost."""
    times = [t for t in times if t >= since]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps and max(gaps) < INTERVAL_S * 1.5, gaps




async def stop_and_read_status(agent: Agent) -> dict:  # type: ignore[type-arg]
    """SIGTERM the agent, wait for a clean exit and return its final status file."""
    assert agent.proc is not None and agent.proc.proc is not None
    agent.proc.signal(signal.SIGTERM)
    try:
        code = await asyncio.to_thread(agent.proc.proc.wait, 60)
    except subprocess.TimeoutExpired:
        agent.proc.kill()
        raise AssertionError(f"agent ignored SIGTERM for 60 s; log tail:\n{agent.log[-3000:]}"
                             ) from None
    assert code == 0, agent.log[-2000:]
    return json.loads((agent.config.parent / "state" / "status.json").read_text())  # type: ignore[no-any-return]
