"""The hub's pusher and ingest with a real agent runtime: a device created at the hub is
pushed, applied, acknowledged and polled (its telemetry labelled with the hub's device id);
disabling it is a new version the agent applies too."""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edge_agent.runtime import AgentRuntime
from hub.fleet.models import AgentConfigState
from hub.fleet.pusher import ConfigPusher
from hub.ingest.models import ObservedDevice
from hub.inventory.models import Device
from hub.jobs.mqtt import MqttCommandPublisher
from tests.hub.fleet.conftest import (
    SECRET_KEY,
    Where,
    announce,
    new_agent,
    new_credential,
    new_device,
    state_of,
)
from tests.hub.ingest.harness import make_workers
from tests.services.mosquitto import Broker
from tests.services.snmp import Snmpd
from tests.services.victoria import Victoria

pytestmark = pytest.mark.asyncio(loop_scope="session")
Sessions = async_sessionmaker[AsyncSession]


@pytest_asyncio.fixture(loop_scope="session")
async def hub_side(sessions: Sessions, mosquitto: Broker,
                   victoria: Victoria) -> AsyncIterator[ConfigPusher]:
    """One ingest worker and a pusher ticking every 0.2 s."""
    group = f"fleet-e2e-{secrets.token_hex(3)}"
    workers = make_workers(mosquitto, sessions, victoria.url, group, count=1)
    await workers.start()
    publisher = MqttCommandPublisher(mosquitto.host, mosquitto.port, mosquitto.hub.username,
                                     mosquitto.hub.password, f"{group}-push")
    pusher = ConfigPusher(sessions, publisher, SECRET_KEY, interval_s=0.2)
    task = asyncio.create_task(pusher.run())
    yield pusher
    pusher.stop()
    await task
    await publisher.close()
    await workers.stop()


@contextlib.asynccontextmanager
async def running_agent(where: Where, mosquitto: Broker, tmp_path: Path) -> AsyncIterator[None]:
    """The agent runtime with an agent.yaml holding only identity and broker."""
    agent_id = str(where.agent_id)
    creds = mosquitto.add_user(agent_id)
    config = tmp_path / "agent.yaml"
    config.write_text(
        f"agent:\n  id: '{agent_id}'\n  state_dir: {tmp_path / 'state'}\n"
        f"broker:\n  host: {mosquitto.host}\n  port: {mosquitto.port}\n  tls: false\n"
        f"  username: '{creds.username}'\n  password: '{creds.password}'\n"
        "health_interval_s: 5\n")
    runtime = AgentRuntime(config)
    task = asyncio.create_task(runtime.run())
    try:
        yield
    finally:
        runtime.request_stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)
        faulthandler.cancel_dump_traceback_later()


async def _applied(sessions: Sessions, where: Where, version: int,
                   within_s: float = 30) -> AgentConfigState:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        state = await state_of(sessions, where.agent_id)
        if state is not None and state.applied_version >= version:
            return state
        await asyncio.sleep(0.1)
    last = await state_of(sessions, where.agent_id)
    raise AssertionError(f"version {version} not applied within {within_s}s: {last}")


async def _observed(sessions: Sessions, where: Where, device: str,
                    within_s: float = 30) -> ObservedDevice:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        async with sessions() as session:
            row = (await session.execute(select(ObservedDevice).where(
                ObservedDevice.tenant_id == where.tenant_id,
                ObservedDevice.device == device,
                ObservedDevice.last_seen_at.is_not(None)))).scalar_one_or_none()
        if row is not None:
            return row
        await asyncio.sleep(0.2)
    raise AssertionError(f"no telemetry of device {device} within {within_s}s")


async def test_a_device_created_at_the_hub_is_pushed_applied_and_polled(
        sessions: Sessions, hub_side: ConfigPusher, mosquitto: Broker, snmpd: Snmpd,
        tmp_path: Path) -> None:
    where = await new_agent(sessions)
    host, port = snmpd.target.rsplit(":", 1)
    cred = await new_credential(sessions, where, "snmp_v2c", {}, {"community": snmpd.community})
    device = await new_device(sessions, where, management_address=host, snmp_port=int(port),
                              profile="linux", interval_s=2.0, timeout_s=1.0, retries=0,
                              snmp_credential_id=cred)
    async with running_agent(where, mosquitto, tmp_path):
        first = await _applied(sessions, where, 1)
        seen = await _observed(sessions, where, str(device))
        async with sessions() as session, session.begin():
            await session.execute(update(Device).where(Device.id == device)
                                  .values(enabled=False))
            await announce(session, where, "device.update")
        second = await _applied(sessions, where, first.desired_version + 1)
    # "current" when the agent's after-subscribe report overtook its ack of the push: both
    # say version 1 runs.
    assert first.last_status in {"applied", "current"} and first.desired_devices == 1
    assert first.applied_version == 1 and first.last_error_code is None
    assert seen.agent_id == where.agent_id
    assert second.applied_version == second.desired_version and second.desired_devices == 0
    assert second.last_error_code is None
    assert uuid.UUID(seen.device) == device  # telemetry labelled with the hub's device id
