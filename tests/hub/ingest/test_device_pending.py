"""Health `devices_pending` (1.3) on the real database: a restarted agent's first health
report, sent before any poll, must not call every device up (that cleared
device.unreachable alarms until the next poll brought them back, and two restarts made
them flap). Pending devices keep their state; 1.2 reports, and 1.3 reports without the
field, behave as before."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import domain_events
from hub.domain_events import DomainEvent
from hub.handlers import wire
from hub.ingest import writes
from hub.ingest.events import DeviceStateChanged
from hub.ingest.models import ObservedDevice
from hub.ingest.registry import AgentIdentity
from protocol import AgentHealth, decode
from tests.hub.harness import Hub

T0 = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def changes() -> Iterator[list[DeviceStateChanged]]:
    """Device state changes published while the test runs."""
    got: list[DeviceStateChanged] = []

    async def record(_session: AsyncSession, event: DomainEvent) -> None:
        assert isinstance(event, DeviceStateChanged)
        got.append(event)

    domain_events.bus.subscribe(DeviceStateChanged, record)
    try:
        yield got
    finally:
        wire()  # back to exactly the hub's own reactions


async def _agent(hub: Hub) -> AgentIdentity:
    owner = await hub.new_tenant("pending")
    site = await hub.post(owner, "/sites", {"name": f"pop-{secrets.token_hex(3)}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"agent-{secrets.token_hex(3)}"})
    return AgentIdentity(uuid.UUID(agent["id"]), agent["name"], owner.tenant_id,
                         uuid.UUID(site["id"]), False)


def _health(who: AgentIdentity, seq: int, errors: dict[str, str],
            pending: list[str] | None = None, version: str = "1.3") -> AgentHealth:
    """A health report as it arrives on the wire (decoded JSON, so `v` is honest)."""
    document: dict[str, object] = {
        "type": "health", "v": version, "agent_id": who.name, "seq": seq,
        "ts": (T0 + timedelta(seconds=seq)).isoformat(), "queue_depth": 0, "queue_bytes": 0,
        "oldest_queued_age_s": 0.0, "dropped_samples": 0, "poll_duration_p50_s": 1.0,
        "poll_duration_p95_s": 1.0, "devices_total": 3, "devices_failing": len(errors),
        "device_errors": errors, "uptime_s": 5.0}
    if pending is not None:
        document["devices_pending"] = pending
    message = decode(json.dumps(document).encode())
    assert isinstance(message, AgentHealth)
    return message


async def _report(hub: Hub, who: AgentIdentity, message: AgentHealth) -> None:
    async with hub.app.state.sessions() as session, session.begin():
        await writes.apply_health(session, who, message, message.ts)


async def _states(hub: Hub, who: AgentIdentity) -> dict[str, str]:
    async with hub.app.state.sessions() as session:
        rows = (await session.execute(select(ObservedDevice).where(
            ObservedDevice.tenant_id == who.tenant_id,
            ObservedDevice.agent_id == who.id))).scalars()
        return {row.device: row.status for row in rows}


async def _three_devices(hub: Hub, who: AgentIdentity) -> None:
    """olt-1 down (failing its polls), sw-2 and sw-3 up."""
    async with hub.app.state.sessions() as session, session.begin():
        await writes.touch_devices(session, who, {"sw-2": T0, "sw-3": T0})
    await _report(hub, who, _health(who, 1, {"olt-1": "timeout"}))
    assert await _states(hub, who) == {"olt-1": "down", "sw-2": "up", "sw-3": "up"}


async def test_a_restarted_agents_pending_devices_keep_their_state(
        hub: Hub, changes: list[DeviceStateChanged]) -> None:
    who = await _agent(hub)
    await _three_devices(hub, who)
    before = list(changes)
    # Restart: the first report comes before any poll. olt-1 is down, not newly up.
    await _report(hub, who, _health(who, 2, {}, pending=["olt-1", "sw-2", "sw-3"]))
    assert await _states(hub, who) == {"olt-1": "down", "sw-2": "up", "sw-3": "up"}
    # Half the polls done: sw-2 answered, olt-1 still pending.
    await _report(hub, who, _health(who, 3, {}, pending=["olt-1"]))
    assert await _states(hub, who) == {"olt-1": "down", "sw-2": "up", "sw-3": "up"}
    # All polled: olt-1 still times out; nothing ever changed, so no transition was announced.
    await _report(hub, who, _health(who, 4, {"olt-1": "timeout"}))
    assert await _states(hub, who) == {"olt-1": "down", "sw-2": "up", "sw-3": "up"}
    assert changes == before
    # And when it does answer, it goes up as always.
    await _report(hub, who, _health(who, 5, {}))
    assert [(c.device, c.state, c.previous) for c in changes[len(before):]] == [
        ("olt-1", "up", "down")]


async def test_an_error_beats_pending_and_a_new_pending_device_stays_unknown(
        hub: Hub, changes: list[DeviceStateChanged]) -> None:
    who = await _agent(hub)
    await _three_devices(hub, who)
    async with hub.app.state.sessions() as session, session.begin():
        await writes.touch_devices(session, who, {"ap-4": None})  # known, never reported
    await _report(hub, who, _health(who, 2, {"sw-3": "auth_failed"},
                                    pending=["sw-3", "ap-4"]))
    assert await _states(hub, who) == {"olt-1": "up", "sw-2": "up", "sw-3": "down",
                                       "ap-4": "unknown"}
    assert {(c.device, c.state) for c in changes} >= {("sw-3", "down"), ("olt-1", "up")}
    assert "ap-4" not in {c.device for c in changes}


@pytest.mark.parametrize("version", ["1.2", "1.3"])
async def test_reports_without_the_field_behave_as_before(
        hub: Hub, changes: list[DeviceStateChanged], version: str) -> None:
    """A 1.2 agent, or a 1.3 agent with nothing pending: every device not failing is up."""
    who = await _agent(hub)
    await _three_devices(hub, who)
    message = _health(who, 2, {}, version=version)
    assert message.v == version and message.devices_pending is None
    await _report(hub, who, message)
    assert await _states(hub, who) == {"olt-1": "up", "sw-2": "up", "sw-3": "up"}
    assert [(c.device, c.state, c.previous) for c in changes][-1] == ("olt-1", "up", "down")
