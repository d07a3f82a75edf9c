"""A (re)started agent's health names the devices it has not polled yet (`devices_pending`):
its first report goes out on connect, before any poll, and the hub must not read "no
errors" as "every device is up". Real runtime, real SNMP (snmpd and a dead address),
real Mosquitto, the report as the hub receives it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

from edge_agent.delivery import BrokerSettings, Delivery, DeliverySettings
from edge_agent.queue import MemoryQueue, MemorySeqCounter
from edge_agent.runtime import AgentRuntime
from edge_agent.scheduler import Scheduler
from protocol import AgentHealth
from tests.agent_delivery.helpers import Hub, connect_hub, unique_id, wait_for
from tests.services._proc import free_port


def _healths(hub: Hub) -> list[AgentHealth]:
    return [r.message for r in hub.messages(AgentHealth)]  # type: ignore[misc]


def _config(tmp_path: Path, agent_id: str, snmpd) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "agent.yaml"
    path.write_text(yaml.safe_dump({
        "agent": {"id": agent_id, "state_dir": str(tmp_path / "state")},
        "broker": {"host": "127.0.0.1", "password": "unused"},
        "polling": {"interval_s": 2, "timeout_s": 1, "retries": 0},
        "devices": [
            {"name": "pop-linux", "host": "127.0.0.1", "port": snmpd.port,
             "snmp": {"community": snmpd.community}},
            {"name": "pop-dead", "host": "127.0.0.1", "port": free_port(kind=2),
             "snmp": {"community": "none"}},
        ],
    }))
    return path


async def test_first_health_lists_every_device_pending_and_none_after_their_polls(  # type: ignore[no-untyped-def]
        tmp_path: Path, mosquitto, snmpd) -> None:
    agent_id = unique_id("dlv-pending")
    creds = mosquitto.add_user(agent_id)
    runtime = AgentRuntime(_config(tmp_path, agent_id, snmpd))
    runtime.scheduler = scheduler = Scheduler(
        runtime.config.devices, runtime.poll, runtime.sink, 2,
        error_of=lambda r: r.errors[0].code.value if r.errors else None)
    assert list(runtime.poll_health().devices_pending) == ["pop-dead", "pop-linux"]
    delivery = Delivery(agent_id, BrokerSettings(mosquitto.host, mosquitto.port,
                                                 password=creds.password, keepalive_s=5),
                        MemoryQueue(), MemorySeqCounter(), health=runtime,
                        settings=DeliverySettings(health_interval_s=0.3, idle_poll_s=0.05))
    hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#")
    task = asyncio.create_task(delivery.run())
    try:
        # The report sent on connect, before any poll: nothing known, so nothing is "up".
        await wait_for(lambda: bool(_healths(hub)), 10, "the health report sent on connect")
        first = _healths(hub)[0]
        assert first.devices_pending == ["pop-dead", "pop-linux"]
        assert (first.devices_total, first.device_errors) == (2, {})
        scheduler.start()

        def polled() -> bool:
            last = _healths(hub)[-1]
            return last.devices_pending is None and bool(last.device_errors)

        await wait_for(polled, 20, "a report after both devices were polled")
        last = _healths(hub)[-1]
        assert last.device_errors == {"pop-dead": "timeout"}  # failing: known, not pending
        assert last.devices_failing == 1 and last.devices_total == 2
        # In between, a device is pending exactly until its first poll ends.
        for report in _healths(hub):
            assert not set(report.devices_pending or ()) & report.device_errors.keys()
    finally:
        await scheduler.stop()
        await delivery.stop()
        await asyncio.wait_for(task, 15)
        runtime.ssh.close()
        hub.close()
