"""Config push: a 2,000-device configuration applied and acknowledged, and what it costs the
polls of devices it does not change (issue #17 targets).

1. End to end, real broker and the real `dotmac-agent run` process: publish a 2,000-device
   `config_push` (as the hub's pusher does, QoS 1) and time it until the agent's
   `config_ack applied` arrives; then a second version that changes one device. Target: < 5 s.
2. Schedule lag of unchanged devices: 2,000 devices at a 10 s interval through the agent's
   real runtime (`AgentRuntime.apply_push`: unpack, validate, convert, store, merge,
   `Scheduler.update`) and real scheduler, with polls that return at once (the measured
   quantity is when a poll starts, not how long a device takes to answer). Run A has no
   push; run B, just as long, applies a new version every 2 s. Printed: lag p99 and max of
   the unchanged devices in both runs and the difference. Target: max(B) - max(A) <= 1 s.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiomqtt

from edge_agent.config import DeviceConfig
from edge_agent.poll import PollResult
from edge_agent.runtime import AgentRuntime
from edge_agent.scheduler import Scheduler, next_slot, stable_phase
from protocol import Channel, ConfigAck, ConfigPush, build, decode, encode
from protocol.edge_config import EdgeConfig, PushedDevice, SnmpV2cCredential, pack
from tests.services._proc import ManagedProcess, free_port
from tests.services.mosquitto import Broker, start_broker

DEVICES = int(os.environ.get("BENCH_PUSH_DEVICES", "2000"))
RUN_S = float(os.environ.get("BENCH_PUSH_RUN_S", "30"))
INTERVAL_S = 10.0
BIN = Path(sys.executable).parent
AGENT = "bench-push-agent"


def edge_config(devices: int, version: int, interval_s: float, port: int) -> EdgeConfig:
    """`devices` devices on one community; device 0's label carries the version (the one
    changed device), every other device is identical from one version to the next."""
    community = SnmpV2cCredential(id=uuid.UUID(int=1), community="bench-community")
    return EdgeConfig(
        devices=[PushedDevice(id=uuid.UUID(int=1000 + n), name=f"sw-{n}-v{version}" if n == 0
                              else f"sw-{n}", host=f"127.0.{n // 250}.{1 + n % 250}",
                              snmp_port=port, profile="cisco_ios", interval_s=interval_s,
                              timeout_s=1.0, retries=0, snmp_credential=community.id)
                 for n in range(devices)],
        credentials=[community])


def push(version: int, config: EdgeConfig) -> ConfigPush:
    """The message the hub's pusher would publish."""
    blob, digest = pack(config)
    return ConfigPush(agent_id=AGENT, seq=version, ts=datetime.now(UTC),
                      config_version=version, content_hash=digest, document=blob)


def write_agent_yaml(path: Path, broker: Broker, password: str) -> None:
    """Identity and broker only: the devices come from the push."""
    path.write_text(f"agent:\n  id: {AGENT}\n  state_dir: {path.parent / 'state'}\n"
                    f"broker:\n  host: {broker.host}\n  port: {broker.port}\n  tls: false\n"
                    f"  password: '{password}'\n")


async def wait_ack(client: aiomqtt.Client, version: int, status: str,
                   within_s: float = 120) -> ConfigAck:
    """The agent's ack of `version` with `status`."""
    async with asyncio.timeout(within_s):
        async for message in client.messages:
            ack = decode(bytes(message.payload))  # type: ignore[arg-type]
            if isinstance(ack, ConfigAck) and ack.config_version == version \
                    and ack.status == status:
                return ack
    raise TimeoutError


async def end_to_end(tmp: Path) -> list[float]:
    """Seconds from publishing each push to its applied ack, through a real agent process."""
    broker = start_broker(tmp / "broker")
    creds = broker.add_user(AGENT)
    config = tmp / "agent" / "agent.yaml"
    config.parent.mkdir()
    write_agent_yaml(config, broker, creds.password)
    dead_port = free_port(kind=2)  # polls fail fast: nothing answers there
    agent = ManagedProcess([str(BIN / "dotmac-agent"), "run", "--config", str(config)],
                           tmp / "agent" / "agent.log").start()
    timings: list[float] = []
    try:
        async with aiomqtt.Client(broker.host, broker.port, username=broker.hub.username,
                                  password=broker.hub.password, identifier="bench-hub") as hub:
            await hub.subscribe(build(AGENT, Channel.CONFIG_ACK), qos=1)
            await wait_ack(hub, 0, "current")  # connected and subscribed
            for version in (1, 2):
                message = encode(push(version, edge_config(DEVICES, version, 300.0, dead_port)))
                started = time.perf_counter()
                await hub.publish(build(AGENT, Channel.CONFIG), message, qos=1)
                ack = await wait_ack(hub, version, "applied")
                timings.append(time.perf_counter() - started)
                assert ack.devices == DEVICES, ack
                print(f"push v{version} ({len(message) // 1024} KiB on the wire, {DEVICES} "
                      f"devices): applied and acknowledged in {timings[-1]:.2f} s", flush=True)
    finally:
        agent.stop()
        broker.stop()
    return timings


class LagProbe:
    """Poll start minus its scheduled slot, per device (the scheduler's own definition)."""

    def __init__(self, jitter: float) -> None:
        self.jitter = jitter
        self.lags: dict[str, list[float]] = {}
        self.recording = False

    async def poll(self, device: DeviceConfig) -> PollResult:
        if self.recording:
            now = time.time()
            phase = stable_phase(device.name, device.interval_s, self.jitter)
            slot = next_slot(now, device.interval_s, phase) - device.interval_s
            self.lags.setdefault(device.name, []).append(max(0.0, now - slot))
        return PollResult(device.name, device.profile)

    @staticmethod
    async def sink(_device: DeviceConfig, _result: PollResult) -> None:
        return None


async def lag_run(runtime: AgentRuntime, probe: LagProbe, pushes: bool,
                  first_version: int) -> tuple[list[float], int]:
    """One run of RUN_S seconds; the unchanged devices' lags and the pushes applied."""
    probe.lags.clear()
    probe.recording = True
    version, applied, deadline = first_version, 0, time.monotonic() + RUN_S
    while time.monotonic() < deadline:
        await asyncio.sleep(2.0)
        if pushes:
            version += 1
            ack = await runtime.apply_push(push(version, edge_config(DEVICES, version,
                                                                     INTERVAL_S, 161)))
            assert ack.status == "applied", ack
            applied += 1
    probe.recording = False
    changed = str(uuid.UUID(int=1000))
    return [lag for name, lags in probe.lags.items() if name != changed for lag in lags], applied


async def schedule_lag(tmp: Path) -> None:
    """Runs A (no push) and B (a push every 2 s) of equal length; print both and the delta."""
    config = tmp / "lag" / "agent.yaml"
    config.parent.mkdir()
    config.write_text(f"agent:\n  id: {AGENT}\n  state_dir: {tmp / 'lag' / 'state'}\n"
                      "broker:\n  host: 127.0.0.1\n  tls: false\n  password: unused\n")
    runtime = AgentRuntime(config)
    first = await runtime.apply_push(push(1, edge_config(DEVICES, 1, INTERVAL_S, 161)))
    assert first.status == "applied", first
    probe = LagProbe(runtime.config.polling.jitter)
    runtime.scheduler = Scheduler(runtime.config.devices, probe.poll, probe.sink,
                                  runtime.config.polling.concurrency,
                                  jitter=runtime.config.polling.jitter)
    runtime.scheduler.start()
    try:
        await asyncio.sleep(INTERVAL_S)  # every device has been scheduled once
        quiet, _ = await lag_run(runtime, probe, pushes=False, first_version=1)
        busy, applied = await lag_run(runtime, probe, pushes=True, first_version=1)
    finally:
        await runtime.scheduler.stop()
    for name, lags in (("A without pushes", quiet), (f"B with {applied} pushes", busy)):
        print(f"{name:22}: {len(lags):6d} polls of unchanged devices, lag p50 "
              f"{statistics.median(lags):.3f} s, p99 {_p99(lags):.3f} s, max {max(lags):.3f} s")
    print(f"max lag B - A: {max(busy) - max(quiet):+.3f} s (target <= 1 s); "
          f"p99 B - A: {_p99(busy) - _p99(quiet):+.3f} s")


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def main() -> None:
    """Print the figures; docs/benchmarks.md records them."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        timings = await end_to_end(tmp)
        print(f"push to ack, worst of {len(timings)}: {max(timings):.2f} s (target < 5 s)")
        await schedule_lag(tmp)


if __name__ == "__main__":
    asyncio.run(main())
