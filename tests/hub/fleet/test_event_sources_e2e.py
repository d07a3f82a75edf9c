"""Hub-managed event sources end to end: a device created at the hub with a loopback in its
`event_sources` is pushed to a real agent process, which maps a trap net-snmp's snmptrap
sends from that loopback to the device; the hub stores the event under the device's id.
A sender the hub named for no device stays unmapped."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms.models import DeviceEvent
from hub.fleet.models import AgentConfigState
from hub.fleet.pusher import ConfigPusher
from hub.jobs.mqtt import MqttCommandPublisher
from tests.agent_e2e.harness import Agent
from tests.agent_events.runtime_harness import IF_INDEX, LINK_DOWN, snmp
from tests.hub.fleet.conftest import (
    SECRET_KEY,
    Where,
    new_agent,
    new_credential,
    new_device,
    state_of,
)
from tests.hub.ingest.harness import make_workers
from tests.services._proc import free_port
from tests.services.mosquitto import Broker
from tests.services.victoria import Victoria

pytestmark = pytest.mark.asyncio(loop_scope="session")
Sessions = async_sessionmaker[AsyncSession]
LOOPBACK = "127.0.0.7"  # the router's loopback: its traps come from here
STRANGER = "127.0.0.8"  # listed for no device


@pytest_asyncio.fixture(loop_scope="session")
async def hub_side(sessions: Sessions, mosquitto: Broker,
                   victoria: Victoria) -> AsyncIterator[ConfigPusher]:
    """One ingest worker (device events go to the alarms' event store) and a pusher."""
    group = f"fleet-src-{secrets.token_hex(3)}"
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
async def trap_agent(where: Where, mosquitto: Broker, tmp_path: Path,
                     community: str, trap_port: int) -> AsyncIterator[None]:
    """The agent process (`dotmac-agent run`; its own process, as in a POP): identity, broker
    and a trap receiver, no device of its own."""
    creds = mosquitto.add_user(str(where.agent_id))
    config = tmp_path / "agent.yaml"
    config.write_text(
        f"agent:\n  id: '{where.agent_id}'\n  state_dir: {tmp_path / 'state'}\n"
        f"broker:\n  host: {mosquitto.host}\n  port: {mosquitto.port}\n  tls: false\n"
        f"  username: '{creds.username}'\n"
        "health_interval_s: 5\n"
        f"events:\n  traps:\n    listen: 127.0.0.1\n    port: {trap_port}\n"
        f"    communities: ['{community}']\n")
    agent = Agent(config, creds.password)
    agent.start()
    try:
        yield
    finally:
        assert agent.proc is not None
        agent.proc.stop()


async def _applied(sessions: Sessions, where: Where, within_s: float = 30) -> AgentConfigState:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        state = await state_of(sessions, where.agent_id)
        if state is not None and state.desired_version and \
                state.applied_version >= state.desired_version:
            return state
        await asyncio.sleep(0.1)
    raise AssertionError(f"config not applied within {within_s}s: "
                         f"{await state_of(sessions, where.agent_id)}")


async def _event(sessions: Sessions, where: Where, if_index: int,
                 within_s: float = 30) -> DeviceEvent:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        async with sessions() as session:
            rows = (await session.execute(select(DeviceEvent).where(
                DeviceEvent.tenant_id == where.tenant_id,
                DeviceEvent.agent_id == where.agent_id))).scalars().all()
        found = [r for r in rows if r.labels.get("ifIndex") == str(if_index)]
        if found:
            return found[0]
        await asyncio.sleep(0.2)
    raise AssertionError(f"no event with ifIndex {if_index} at the hub within {within_s}s")


async def test_a_trap_from_a_hub_named_event_source_is_the_devices(
        sessions: Sessions, hub_side: ConfigPusher, mosquitto: Broker,
        tmp_path: Path) -> None:
    where = await new_agent(sessions)
    dead = free_port(socket.SOCK_DGRAM)  # polled nowhere useful: only its traps matter
    cred = await new_credential(sessions, where, "snmp_v2c", {}, {"community": "unused"})
    device = await new_device(sessions, where, management_address="127.0.0.6",
                              snmp_credential_id=cred,
                              snmp_port=dead, profile="cisco_ios", interval_s=300.0,
                              timeout_s=0.5, retries=0, event_sources=[LOOPBACK])
    community = f"trap-{uuid.uuid4().hex[:12]}"
    trap_port = free_port(socket.SOCK_DGRAM)
    target = f"udp:127.0.0.1:{trap_port}"
    async with trap_agent(where, mosquitto, tmp_path, community, trap_port):
        state = await _applied(sessions, where)
        assert state.last_error_code is None and state.desired_devices == 1
        for source, if_index in ((LOOPBACK, 7), (STRANGER, 8)):
            await snmp("snmptrap", "-v2c", "-c", community, f"--clientaddr={source}", target,
                       "", LINK_DOWN, f"{IF_INDEX}.{if_index}", "i", str(if_index))
        mapped = await _event(sessions, where, 7)
        unmapped = await _event(sessions, where, 8)
    assert (mapped.source, mapped.device_id) == (LOOPBACK, device)
    assert mapped.event_type == "link_down"
    assert (unmapped.source, unmapped.device_id) == (STRANGER, None)
