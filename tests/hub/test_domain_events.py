"""Domain events (hub.domain_events) on the real database: handlers run inside the
publisher's transaction, in subscription order, and their writes share its fate."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from hub import domain_events
from hub.domain_events import DomainEvent, DomainEvents, UnwiredEventError
from hub.handlers import wire
from hub.ingest import writes
from hub.ingest.events import AgentStateChanged, DeviceStateChanged, JobReported
from hub.ingest.models import QuarantinedMessage
from hub.ingest.registry import AgentIdentity
from hub.jobs.events import JobFinished
from protocol import AgentHealth, AgentState
from tests.hub.harness import Hub


@dataclass(frozen=True)
class PortFlapped(DomainEvent):
    """A fact invented for these tests."""

    port: str


@dataclass(frozen=True)
class WorkHandedOver(DomainEvent):
    """A fact whose producer relies on a consumer."""

    requires_handler: ClassVar[bool] = True


def _mark(topic: str) -> QuarantinedMessage:
    """A row a handler writes (a table without foreign keys, easy to count)."""
    return QuarantinedMessage(topic=topic, reason="test", detail="", payload=b"",
                              payload_size=0)


async def _marks(hub: Hub, topic: str) -> int:
    async with hub.app.state.sessions() as session:
        query = select(func.count()).select_from(QuarantinedMessage).where(
            QuarantinedMessage.topic == topic)
        return int((await session.execute(query)).scalar_one())


Handler = Callable[[AsyncSession, PortFlapped], Awaitable[None]]


def _writer(topic: str) -> Handler:
    async def handler(session: AsyncSession, event: PortFlapped) -> None:
        session.add(_mark(f"{topic}/{event.port}"))
    return handler


async def test_handler_writes_commit_with_the_publisher(hub: Hub) -> None:
    bus, topic = DomainEvents(), f"commit-{secrets.token_hex(3)}"
    bus.subscribe(PortFlapped, _writer(topic))
    async with hub.app.state.sessions() as session, session.begin():
        session.add(_mark(topic))  # the publisher's own change
        await bus.publish(session, PortFlapped("ge-0/0/1"))
    assert await _marks(hub, topic) == 1
    assert await _marks(hub, f"{topic}/ge-0/0/1") == 1


async def test_rollback_drops_the_handlers_writes(hub: Hub) -> None:
    bus, topic = DomainEvents(), f"rollback-{secrets.token_hex(3)}"
    bus.subscribe(PortFlapped, _writer(topic))
    async with hub.app.state.sessions() as session:
        session.add(_mark(topic))
        await bus.publish(session, PortFlapped("ge-0/0/2"))
        await session.flush()  # written inside the transaction...
        await session.rollback()  # ...and gone with it
    assert await _marks(hub, topic) == 0
    assert await _marks(hub, f"{topic}/ge-0/0/2") == 0


async def test_a_failing_handler_fails_the_publishers_transaction(hub: Hub) -> None:
    bus, topic = DomainEvents(), f"failing-{secrets.token_hex(3)}"

    async def refuse(_session: AsyncSession, event: PortFlapped) -> None:
        raise RuntimeError(f"port {event.port}: refused")

    bus.subscribe(PortFlapped, _writer(topic))
    bus.subscribe(PortFlapped, refuse)
    with pytest.raises(RuntimeError, match="refused"):
        async with hub.app.state.sessions() as session, session.begin():
            session.add(_mark(topic))
            await bus.publish(session, PortFlapped("ge-0/0/3"))
    assert await _marks(hub, topic) == 0
    assert await _marks(hub, f"{topic}/ge-0/0/3") == 0


async def test_handlers_run_in_subscription_order_on_the_same_session(hub: Hub) -> None:
    bus, seen = DomainEvents(), list[tuple[str, str, AsyncSession]]()

    def recorder(name: str) -> Handler:
        async def handler(session: AsyncSession, event: PortFlapped) -> None:
            seen.append((name, event.port, session))
        return handler

    for name in ("first", "second", "third"):
        bus.subscribe(PortFlapped, recorder(name))
    async with hub.app.state.sessions() as session:
        await bus.publish(session, PortFlapped("xe-1/0/0"))
    assert [(n, p) for n, p, _s in seen] == [("first", "xe-1/0/0"), ("second", "xe-1/0/0"),
                                            ("third", "xe-1/0/0")]
    assert all(s is session for _n, _p, s in seen)


async def test_an_event_nobody_subscribed_to_is_fine(hub: Hub) -> None:
    bus = DomainEvents()

    async def take_over(_session: AsyncSession, _event: WorkHandedOver) -> None:
        raise AssertionError("a handler of another event class ran")

    bus.subscribe(WorkHandedOver, take_over)
    async with hub.app.state.sessions() as session:
        await bus.publish(session, PortFlapped("ge-0/0/4"))


async def test_an_event_that_needs_a_consumer_refuses_an_unwired_process(hub: Hub) -> None:
    async with hub.app.state.sessions() as session:
        with pytest.raises(UnwiredEventError, match=r"WorkHandedOver.*hub.handlers.wire\(\)"):
            await DomainEvents().publish(session, WorkHandedOver())


def test_wire_registers_the_hubs_reactions_once_however_often_it_runs() -> None:
    bus = DomainEvents()
    wire(bus)
    wire(bus)
    assert [h.__name__ for h in bus.handlers(JobReported)] == ["on_job_reported"]
    assert [h.__name__ for h in bus.handlers(JobFinished)] == ["on_job_finished"]


@pytest.fixture
def recorded() -> Iterator[list[DomainEvent]]:
    """Availability events published on the process's registry during one test."""
    got: list[DomainEvent] = []

    async def record(_session: AsyncSession, event: DomainEvent) -> None:
        got.append(event)

    domain_events.bus.subscribe(AgentStateChanged, record)
    domain_events.bus.subscribe(DeviceStateChanged, record)
    try:
        yield got
    finally:
        wire()  # back to exactly the hub's own reactions


async def _agent(hub: Hub) -> AgentIdentity:
    owner = await hub.new_tenant("events")
    site = await hub.post(owner, "/sites", {"name": f"pop-{secrets.token_hex(3)}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"agent-{secrets.token_hex(3)}"})
    return AgentIdentity(uuid.UUID(agent["id"]), agent["name"], owner.tenant_id,
                         uuid.UUID(site["id"]), False)


def _state(who: AgentIdentity, state: Literal["online", "offline"], at: datetime) -> AgentState:
    return AgentState(agent_id=who.name, seq=1, ts=at, state=state, agent_version="1.0",
                      started_at=at)


def _health(who: AgentIdentity, at: datetime, errors: dict[str, str]) -> AgentHealth:
    return AgentHealth(agent_id=who.name, seq=2, ts=at, queue_depth=0, queue_bytes=0,
                       oldest_queued_age_s=0, dropped_samples=0, poll_duration_p50_s=1,
                       poll_duration_p95_s=1, devices_total=2, devices_failing=len(errors),
                       device_errors=errors, uptime_s=60)


async def test_ingest_announces_agent_transitions_only_on_change(
        hub: Hub, recorded: list[DomainEvent]) -> None:
    who, at = await _agent(hub), datetime.now(UTC)
    states: list[Literal["online", "offline"]] = ["online", "online", "offline"]
    for n, state in enumerate(states):
        async with hub.app.state.sessions() as session, session.begin():
            when = at + timedelta(seconds=n)
            await writes.apply_state(session, who, _state(who, state, when), when)
    changes = [e for e in recorded if isinstance(e, AgentStateChanged)]
    assert [(e.state, e.previous) for e in changes] == [("online", "unknown"),
                                                        ("offline", "online")]
    assert {e.agent_id for e in changes} == {who.id}


async def test_ingest_announces_device_reachability_changes(
        hub: Hub, recorded: list[DomainEvent]) -> None:
    who, at = await _agent(hub), datetime.now(UTC)
    reports = [{"olt-1": "timeout"}, {"olt-1": "timeout"}, {}]
    for n, errors in enumerate(reports):
        async with hub.app.state.sessions() as session, session.begin():
            when = at + timedelta(seconds=n)
            await writes.apply_health(session, who, _health(who, when, errors), when)
    changes = [(e.device, e.state, e.previous, e.reason) for e in recorded
               if isinstance(e, DeviceStateChanged)]
    assert changes == [("olt-1", "down", "unknown", "timeout"), ("olt-1", "up", "down", None)]


@pytest.mark.parametrize("command", ["ingest", "dispatch", "webhooks"])
def test_every_standalone_worker_is_wired_before_it_runs(
        command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import hub.worker_runner
    from hub.cli import app

    seen: list[int] = []

    def run_process(main: Coroutine[Any, Any, None], _log_level: str) -> None:
        main.close()  # not run: only the wiring at this point matters
        seen.append(len(domain_events.bus.handlers(JobReported))
                    + len(domain_events.bus.handlers(JobFinished)))

    monkeypatch.setattr(hub.worker_runner, "run_process", run_process)
    domain_events.bus.clear()
    try:
        result = CliRunner().invoke(app, [command])
    finally:
        wire()
    assert result.exit_code == 0, result.output
    assert seen == [2]
