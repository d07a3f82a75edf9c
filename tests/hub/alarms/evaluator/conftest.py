"""Evaluator fixtures: H2's alarm world (tests/hub/alarms/conftest.py) fed the way ingest
feeds it, through ingest's own write functions (`hub.ingest.writes`: Last Will and birth,
health, telemetry, inventory), with the availability handlers subscribed as the
composition root subscribes them."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub import domain_events
from hub.alarms.evaluator import (
    TenantReport,
    evaluate_tenant,
    on_agent_state_changed,
    on_device_state_changed,
)
from hub.alarms.models import Alarm, AlarmRuleOverride
from hub.ingest import writes
from hub.ingest.events import AgentStateChanged, DeviceStateChanged
from hub.ingest.registry import AgentIdentity
from hub.inventory.models import Agent
from protocol import (
    AgentHealth,
    AgentState,
    DeviceFacts,
    EventCounters,
    InterfaceFacts,
    Inventory,
    Sample,
    TelemetryBatch,
)
from tests.hub.alarms.conftest import World

Sessions = async_sessionmaker[AsyncSession]
_SEQ = itertools.count(1)


@pytest.fixture(autouse=True)
def availability_handlers(sessions: Sessions) -> Iterator[None]:
    """AgentStateChanged and DeviceStateChanged reach the evaluator's handlers (what
    hub.handlers.wire does in every hub process)."""
    bus = domain_events.bus
    for event, handler in ((AgentStateChanged, on_agent_state_changed),
                           (DeviceStateChanged, on_device_state_changed)):
        if handler not in bus.handlers(event):
            bus.subscribe(event, handler)  # type: ignore[arg-type]
    yield


def seq() -> int:
    """A sequence number no other message of the session used."""
    return next(_SEQ)


@dataclass
class Feed:
    """One agent of a World, sending what a real agent sends, stored by ingest's writes."""

    sessions: Sessions
    world: World
    who: AgentIdentity
    dropped_events: int = 0
    device_errors: dict[str, str] = field(default_factory=dict)

    async def state(self, state: Literal["online", "offline"], at: datetime) -> None:
        """A birth message ("online") or the Last Will ("offline") received at `at`."""
        message = AgentState(agent_id=self.who.name, seq=seq(), ts=at, state=state,
                             agent_version="1.3.0", started_at=at - timedelta(seconds=5),
                             reason="lwt" if state == "offline" else None)
        async with self.sessions() as session, session.begin():
            await writes.apply_state(session, self.who, message, at)

    async def health(self, at: datetime, *, received_at: datetime | None = None,
                     oldest_queued_age_s: float = 0.0, failing: dict[str, str] | None = None,
                     events_dropped: int | None = None) -> None:
        """A health report sent at `at` (devices in `failing` could not be polled)."""
        errors = dict(failing or {})
        events = None if events_dropped is None else EventCounters(
            received=events_dropped, accepted=0, folded=0, dropped=events_dropped, refused=0)
        message = AgentHealth(
            agent_id=self.who.name, seq=seq(), ts=at, queue_depth=1 if oldest_queued_age_s
            else 0, queue_bytes=0, oldest_queued_age_s=oldest_queued_age_s, dropped_samples=0,
            poll_duration_p50_s=0.1, poll_duration_p95_s=0.2, devices_total=2,
            devices_failing=len(errors), device_errors=errors, uptime_s=600.0, events=events)
        async with self.sessions() as session, session.begin():
            await writes.apply_health(session, self.who, message, received_at or at)

    async def samples(self, *samples: Sample) -> None:
        """One telemetry batch, stored as ingest stores it."""
        batch = TelemetryBatch(agent_id=self.who.name, seq=seq(), ts=max(s.ts for s in samples),
                               samples=list(samples))
        async with self.sessions() as session, session.begin():
            await writes.apply_telemetry(session, self.who, [batch], batch.ts)
            await writes.touch_agent(session, self.who, batch.ts)

    async def inventory(self, device: str, at: datetime, *ports: InterfaceFacts) -> None:
        """The device's facts with its interfaces (sent when they change)."""
        message = Inventory(agent_id=self.who.name, seq=seq(), ts=at, devices=[DeviceFacts(
            device=device, address="192.0.2.10", profile="cisco_ios", interfaces=list(ports))])
        async with self.sessions() as session, session.begin():
            await writes.apply_inventory(session, self.who, message)


def gauge(device: str, metric: str, value: float, at: datetime, **labels: str) -> Sample:
    """A gauge sample as a profile publishes it."""
    return Sample(device=device, metric=metric, labels=labels, value=value, kind="gauge", ts=at)


def counter(device: str, metric: str, value: int, at: datetime, **labels: str) -> Sample:
    """A raw counter sample."""
    return Sample(device=device, metric=metric, labels=labels, value=value, kind="counter",
                  ts=at)


async def feed_for(sessions: Sessions, world: World) -> Feed:
    """A Feed for the world's agent."""
    async with sessions() as session:
        agent = await session.get(Agent, world.agent_id)
        assert agent is not None
        who = AgentIdentity(agent.id, agent.name, agent.tenant_id, agent.site_id, False)
    return Feed(sessions, world, who)


async def evaluate(sessions: Sessions, tenant_id: uuid.UUID, now: datetime) -> TenantReport:
    """One evaluation of the tenant, committed."""
    async with sessions() as session, session.begin():
        report = await evaluate_tenant(session, tenant_id, now)
    assert not report.failed_rules, report.failed_rules
    return report


async def alarms(sessions: Sessions, tenant_id: uuid.UUID, rule: str,
                 state: str | None = None) -> list[Alarm]:
    """The tenant's alarms of one rule (not closed unless `state` says), oldest first."""
    async with sessions() as session:
        query = select(Alarm).where(Alarm.tenant_id == tenant_id, Alarm.rule == rule)
        query = query.where(Alarm.state == state) if state else query.where(
            Alarm.state != "closed")
        return list((await session.execute(query.order_by(Alarm.created_at))).scalars())


async def only(sessions: Sessions, tenant_id: uuid.UUID, rule: str) -> Alarm:
    """The one open alarm of the rule."""
    found = await alarms(sessions, tenant_id, rule)
    assert len(found) == 1, [(a.dedupe_key, a.state) for a in found]
    return found[0]


async def override(sessions: Sessions, tenant_id: uuid.UUID, rule: str,
                   enabled: bool | None = None, **params: Any) -> None:
    """A tenant's override of one rule."""
    async with sessions() as session, session.begin():
        session.add(AlarmRuleOverride(tenant_id=tenant_id, rule=rule, enabled=enabled,
                                      params=params, updated_by="test"))
