"""hub.hub_health on a real PostgreSQL: rows of known ages and states -> the gauges a scrape
shows (queue ages, agents offline, devices down, open alarms per tenant), through the API's
own `/metrics` once `install` is called on a real `create_app`; under the multiprocess
registry of `serve --workers N` the gauges are shown once; a failed pass is counted and a
stale snapshot is withdrawn rather than shown as current.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms.models import Alarm, AlarmNotification, NotificationPolicy
from hub.app import create_app
from hub.db import create_engine, session_factory
from hub.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from hub.hub_health import (
    AGENTS,
    AGENTS_OFFLINE,
    ALARMS_OPEN,
    DEVICES_DOWN,
    FAILED_PASSES,
    QUEUE_AGE,
    QUEUE_WAITING,
    SNAPSHOT_AGE,
    HubHealth,
    install,
)
from hub.ingest.models import AgentHealthRow, ObservedDevice
from hub.inventory.models import Device
from hub.jobs.models import ProvisioningJob
from hub.metrics import MULTIPROCESS_DIR_ENV, Metrics
from tests.hub.harness import drop_database, hub_settings
from tests.hub.ingest.harness import (
    Tenancy,
    engine_and_sessions,
    migrated_database,
    new_tenancy,
    register_agent,
    token,
)
from tests.services.postgres import Postgres

MINUTE = timedelta(minutes=1)
# queue -> age of its oldest waiting row (each also has a younger waiting row and an older
# row that is done, which must not count)
AGES = {"event_outbox": 5 * MINUTE, "webhook_deliveries": 10 * MINUTE,
        "alarm_notifications": 2 * MINUTE, "provisioning_jobs": 7 * MINUTE}
# (severity, state) of tenant A's alarms: cleared and closed ones are not open
ALARMS = (("critical", "raised"), ("critical", "raised"), ("critical", "acknowledged"),
          ("major", "raised"), ("critical", "cleared"), ("critical", "closed"),
          ("minor", "cleared"))


@dataclass
class Filled:
    """A migrated database with two tenants: A with agents, devices, alarms; B with none."""

    url: str
    sessions: async_sessionmaker[AsyncSession]
    a: str
    b: str
    now: datetime


def _series(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Exposition text -> {sample name: {sorted labels: value}}."""
    out: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


def _by(series: dict[tuple[tuple[str, str], ...], float], **match: str
        ) -> dict[tuple[tuple[str, str], ...], float]:
    return {k: v for k, v in series.items() if set(match.items()) <= set(k)}


async def _agents(sessions: async_sessionmaker[AsyncSession], where: Tenancy) -> None:
    """Two online agents, one offline, one offline but revoked (not counted); the first
    agent's devices: two down, one up, one unknown."""
    for index, (state, revoked) in enumerate((("online", False), ("online", False),
                                              ("offline", False), ("offline", True))):
        name = token("gauge")
        agent = await register_agent(sessions, where, name, revoked=revoked)
        async with sessions() as session, session.begin():
            session.add(AgentHealthRow(agent_id=agent, tenant_id=where.tenant_id,
                                       site_id=where.site_id, agent_name=name, state=state))
            session.add_all([ObservedDevice(tenant_id=where.tenant_id, device=f"{name}-d{n}",
                                            site_id=where.site_id, agent_id=agent,
                                            status=status)
                             for n, status in enumerate(("down", "down", "up", "unknown"))
                             if index == 0])


async def _queues(sessions: async_sessionmaker[AsyncSession], where: Tenancy,
                  now: datetime) -> None:
    """For each queue: its oldest waiting row at AGES, a younger one, an older one done."""
    agent = await register_agent(sessions, where, token("jobs"))
    t = where.tenant_id
    async with sessions() as session, session.begin():
        device = Device(tenant_id=t, site_id=where.site_id, agent_id=agent, name=token("sw"),
                        management_address="192.0.2.1", profile="auto")
        endpoint = WebhookEndpoint(tenant_id=t, url="https://noc.example/hook",
                                   secret_encrypted="x", event_types=["*"])
        policy = NotificationPolicy(tenant_id=t, name="noc", emails=["n@x"])
        alarm = Alarm(tenant_id=t, rule="r", dedupe_key="q", alarm_type="r", severity="info",
                      state="closed", origin="hub", subject="hub", first_raised_at=now,
                      last_raised_at=now, last_change_at=now)
        events = [OutboxEvent(tenant_id=t, type="alarm.raised", payload={},
                              occurred_at=now - AGES["event_outbox"]),
                  OutboxEvent(tenant_id=t, type="alarm.raised", payload={},
                              occurred_at=now - MINUTE),
                  OutboxEvent(tenant_id=t, type="alarm.raised", payload={},
                              occurred_at=now - 60 * MINUTE, fanned_out_at=now - 59 * MINUTE)]
        session.add_all([device, endpoint, policy, alarm, *events])
        await session.flush()
        session.add_all([
            WebhookDelivery(tenant_id=t, event_id=event.id, endpoint_id=endpoint.id,
                            status=status, created_at=now - age)
            for event, status, age in ((events[0], "failed", AGES["webhook_deliveries"]),
                                       (events[1], "pending", MINUTE),
                                       (events[2], "delivered", 60 * MINUTE))])
        session.add_all([
            AlarmNotification(tenant_id=t, alarm_id=alarm.id, policy_id=policy.id, kind=kind,
                              channel="email", target="n@x", status=status,
                              created_at=now - age)
            for kind, status, age in (("raised", "pending", AGES["alarm_notifications"]),
                                      ("escalated", "pending", MINUTE),
                                      ("cleared", "sent", 60 * MINUTE))])
        session.add_all([
            ProvisioningJob(tenant_id=t, device_id=device.id, agent_id=agent,
                            device_name=device.name, action="backup", requested_by=uuid.uuid4(),
                            idempotency_key=token("k"), request_hash="h", deadline=now,
                            state=state, created_at=now - age)
            for state, age in (("queued", AGES["provisioning_jobs"]), ("queued", MINUTE),
                               ("running", 60 * MINUTE), ("succeeded", 90 * MINUTE))])


async def _alarms(sessions: async_sessionmaker[AsyncSession], where: Tenancy,
                  now: datetime) -> None:
    async with sessions() as session, session.begin():
        session.add_all([
            Alarm(tenant_id=where.tenant_id, rule="device.down", dedupe_key=f"k{index}",
                  alarm_type="device.down", severity=severity, state=state, origin="hub",
                  subject=f"sw{index}", first_raised_at=now, last_raised_at=now,
                  last_change_at=now)
            for index, (severity, state) in enumerate(ALARMS)])


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def filled(postgres: Postgres) -> AsyncIterator[Filled]:
    url = migrated_database(postgres, "hubhealthgauges")
    engine, sessions = engine_and_sessions(url)
    now = datetime.now(UTC)
    a, b = await new_tenancy(sessions), await new_tenancy(sessions)
    await _agents(sessions, a)
    await _queues(sessions, a, now)
    await _alarms(sessions, a, now)
    yield Filled(url, sessions, str(a.tenant_id), str(b.tenant_id), now)
    await engine.dispose()
    drop_database(postgres.admin_dsn, url.rsplit("/", 1)[1])


def _assert_gauges(text: str, filled: Filled) -> None:
    got = _series(text)
    elapsed = (datetime.now(UTC) - filled.now).total_seconds() + 1
    ages = {dict(k)["queue"]: v for k, v in got[QUEUE_AGE].items()}
    assert set(ages) == set(AGES)
    for queue, age in AGES.items():
        assert age.total_seconds() <= ages[queue] <= age.total_seconds() + elapsed, queue
    assert {dict(k)["queue"]: v for k, v in got[QUEUE_WAITING].items()} == dict.fromkeys(
        AGES, 2.0)
    a, b = (("tenant", filled.a),), (("tenant", filled.b),)
    # tenant A: three agents not revoked (two online, one offline) plus the jobs' agent,
    # which has no health row yet and so is not counted
    assert got[AGENTS] == {a: 3.0, b: 0.0}
    assert got[AGENTS_OFFLINE] == {a: 1.0, b: 0.0}
    assert got[DEVICES_DOWN] == {a: 2.0, b: 0.0}
    open_a = {(dict(k)["severity"], dict(k)["state"]): v
              for k, v in _by(got[ALARMS_OPEN], tenant=filled.a).items() if v}
    assert open_a == {("critical", "raised"): 2.0, ("critical", "acknowledged"): 1.0,
                      ("major", "raised"): 1.0}
    # every severity and state is there, at 0, for a tenant with no alarm: 0, not no data
    none_b = _by(got[ALARMS_OPEN], tenant=filled.b)
    assert len(none_b) == 10 and set(none_b.values()) == {0.0}
    assert 0 <= got[SNAPSHOT_AGE][()] < 30


async def test_a_pass_makes_the_gauges_of_the_rows(filled: Filled) -> None:
    metrics = Metrics()
    health = HubHealth(filled.sessions, metrics)
    assert not any(line.startswith(QUEUE_AGE) for line in metrics.render().splitlines()), \
        "no gauge before the first pass"
    assert await health.refresh()
    _assert_gauges(metrics.render(), filled)


async def test_install_serves_them_on_the_api_metrics(filled: Filled) -> None:
    """What the lead's one line in hub.app.create_app does: the app's lifespan runs the
    passes (after its own start-up) and its /metrics shows them."""
    app = create_app(hub_settings(filled.url))
    health = install(app, every_s=0.5)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://hub.test") as client:
        deadline = time.monotonic() + 30
        while health.collector.snapshot is None:
            assert time.monotonic() < deadline, "no hub-health pass within 30 s"
            await asyncio.sleep(0.05)
        assert health.running
        reply = await client.get("/metrics")
        assert reply.status_code == 200
        _assert_gauges(reply.text, filled)
        first = health.collector.snapshot
        while health.collector.snapshot is first:  # it keeps passing
            assert time.monotonic() < deadline, "a single hub-health pass in 30 s"
            await asyncio.sleep(0.05)
    assert not health.running, "the passes stop with the app"


@pytest.fixture
def shared_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The environment of a worker of `serve --workers N` (a shared metrics directory)."""
    monkeypatch.setenv(MULTIPROCESS_DIR_ENV, str(tmp_path))
    yield tmp_path


@pytest.mark.usefixtures("shared_dir")
async def test_under_several_workers_the_gauges_are_shown_once(filled: Filled) -> None:
    metrics = Metrics()
    assert metrics.exposed is not metrics.registry  # the shared, merged registry
    assert await HubHealth(filled.sessions, metrics).refresh()
    text = metrics.render()
    assert text.count(f"# TYPE {AGENTS_OFFLINE} gauge") == 1
    _assert_gauges(text, filled)


async def test_a_failed_pass_is_counted_and_a_stale_snapshot_withdrawn(
        filled: Filled, postgres: Postgres) -> None:
    metrics = Metrics()
    health = HubHealth(filled.sessions, metrics, every_s=2.0)
    assert await health.refresh()
    # the database goes away: a pass fails, is counted, and the old snapshot stays shown
    gone = create_engine(f"postgresql+psycopg://{postgres.user}@{postgres.host}:"
                         f"{postgres.port}/no_such_database_{token('x').replace('-', '_')}")
    health.sessions = session_factory(gone)
    try:
        assert not await health.refresh()
    finally:
        await gone.dispose()
    assert metrics.value(FAILED_PASSES) == 1
    assert AGENTS_OFFLINE in _series(metrics.render())
    deadline = time.monotonic() + 30
    while AGENTS_OFFLINE in _series(metrics.render()):  # three intervals later: withdrawn
        assert time.monotonic() < deadline, "a stale snapshot still shown after 30 s"
        await asyncio.sleep(0.05)
    assert health.collector.max_age_s == pytest.approx(6.0)
