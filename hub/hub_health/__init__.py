"""Gauges of the whole hub read from its database: queue ages, agents offline, devices down
and open alarms per tenant, schedules overdue and failed per kind, on the API's `/metrics`
(docs/noc.md, "Hub health"; docs/scheduling.md).

    hub_health.install(app)   # in hub.app.create_app, once the app exists

Why a periodic pass and a collector, not prometheus_client gauges: the values belong to the
database, not to a process. A pass every `every_s` (15 s) reads them in one short
transaction into a `Snapshot`; `HubHealthCollector` shows the snapshot at scrape time,
with the queue ages computed at that moment from the oldest row's time (so they grow
between passes as they do in the database). Under `serve --workers N` every worker runs its
own pass and the worker answering a scrape shows its own snapshot, once: nothing goes
through the shared multiprocess files (a file gauge would keep a tenant's series after the
tenant is gone, and one series per worker pid). Several API replicas export the same
numbers under their own `instance`: dashboards and rules take `max` over them.

A pass that fails (database down) is counted (`dotmac_hub_health_pass_failures_total`) and
logged; the previous snapshot is shown for up to three intervals, then nothing, so a gauge
never pretends to be current. `dotmac_hub_health_snapshot_age_seconds` says how old it is.

This package is at the composition root: it reads the tables of several domains (events,
alarms, jobs, ingest, tenancy), which no domain may do; its `repository` runs the reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.hub_health import repository as rows
from hub.hub_health.repository import OPEN_STATES
from hub.ipam.metrics import PoolGauges, pool_families, pool_gauges
from hub.metrics import Metrics
from hub.schedules.tasks import tasks

log = logging.getLogger("dotmac.hub.health")

QUEUE_AGE = "dotmac_hub_queue_oldest_age_seconds"
QUEUE_WAITING = "dotmac_hub_queue_waiting"
AGENTS = "dotmac_hub_agents"
AGENTS_OFFLINE = "dotmac_hub_agents_offline"
DEVICES_DOWN = "dotmac_hub_devices_down"
ALARMS_OPEN = "dotmac_hub_alarms_open"
SNAPSHOT_AGE = "dotmac_hub_health_snapshot_age_seconds"
FAILED_PASSES = "dotmac_hub_health_pass_failures_total"
SCHEDULES_OVERDUE = "dotmac_hub_schedules_overdue"
SCHEDULES_FAILED = "dotmac_hub_schedules_failed"
SCHEDULE_LAST_SUCCESS = "dotmac_hub_schedule_last_success_timestamp_seconds"
OVERDUE_GRACE_S = 300.0  # a due time this late, not yet claimed, is overdue

SEVERITIES = ("critical", "major", "minor", "warning", "info")
EVERY_S = 15.0
STALE_AFTER = 3  # intervals a failed pass may leave the previous snapshot shown


@dataclass(frozen=True)
class Snapshot:
    """The hub's queues and per-tenant counts at `taken` (monotonic seconds)."""

    taken: float
    queues: dict[str, tuple[datetime | None, int]]  # queue -> (oldest waiting row, waiting)
    agents: dict[str, tuple[int, int]] = field(default_factory=dict)  # tenant -> (offline, all)
    devices_down: dict[str, int] = field(default_factory=dict)  # tenant -> devices down
    alarms: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (tenant, sev, st)
    # kind -> (overdue, failed for good, newest success as a Unix time or None)
    schedules: dict[str, tuple[int, int, float | None]] = field(default_factory=dict)
    ipam: PoolGauges = field(default_factory=PoolGauges)  # address and VLAN pools


async def take(session: AsyncSession) -> Snapshot:
    """Read every queue and per-tenant count (one transaction: one consistent view)."""
    queues = {queue: (_utc(oldest), depth)
              for queue, (oldest, depth) in (await rows.queue_heads(session)).items()}
    tenants = [str(t) for t in await rows.tenant_ids(session)]
    agents = {t: (0, 0) for t in tenants}
    for tenant, offline, total in await rows.agent_counts(session):
        agents[str(tenant)] = (int(offline), int(total))
    down = dict.fromkeys(tenants, 0)
    for tenant, count in await rows.devices_down(session):
        down[str(tenant)] = int(count)
    alarms = {(t, sev, st): 0 for t in tenants for sev in SEVERITIES for st in OPEN_STATES}
    for tenant, severity, state, count in await rows.open_alarms(session):
        alarms[(str(tenant), severity, state)] = int(count)
    return Snapshot(time.monotonic(), queues, agents, down, alarms, await _schedules(session),
                    await pool_gauges(session))


async def _schedules(session: AsyncSession) -> dict[str, tuple[int, int, float | None]]:
    """Per kind (every registered one, zero when fine): overdue, failed for good, last
    success."""
    before = datetime.now(UTC) - timedelta(seconds=OVERDUE_GRACE_S)
    overdue = dict.fromkeys((t.kind for t in tasks()), 0)
    for kind, count in await rows.schedules_overdue(session, before):
        overdue[kind] = overdue.get(kind, 0) + int(count)
    failed = {kind: int(count) for kind, count in await rows.schedules_failed(session)}
    success = {kind: _utc(at) for kind, at in await rows.schedules_last_success(session)}
    return {kind: (overdue.get(kind, 0), failed.get(kind, 0),
                   at.timestamp() if (at := success.get(kind)) is not None else None)
            for kind in sorted({*overdue, *failed, *success})}


def _utc(at: datetime | None) -> datetime | None:
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=UTC)


class HubHealthCollector(Collector):
    """Shows the newest snapshot; nothing before the first pass or once it is stale."""

    def __init__(self, max_age_s: float = STALE_AFTER * EVERY_S,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.snapshot: Snapshot | None = None
        self.max_age_s, self.clock = max_age_s, clock

    def describe(self) -> Iterable[Metric]:
        """Nothing up front: the families depend on the snapshot (no collect() at register)."""
        return []

    def collect(self) -> Iterable[Metric]:
        """The snapshot's gauges, queue ages as of now."""
        shot = self.snapshot
        if shot is None:
            return []
        age = time.monotonic() - shot.taken
        if age > self.max_age_s:
            return []
        freshness = GaugeMetricFamily(SNAPSHOT_AGE, "Seconds since the hub-health gauges "
                                      "were read from the database")
        freshness.add_metric([], age)
        return [freshness, *self._queues(shot), *self._tenants(shot), *self._schedules(shot),
                *pool_families(shot.ipam)]

    def _queues(self, shot: Snapshot) -> list[Metric]:
        now = self.clock()
        oldest = GaugeMetricFamily(QUEUE_AGE, "Age of the oldest row still waiting in a hub "
                                   "queue (0 when none waits)", labels=["queue"])
        waiting = GaugeMetricFamily(QUEUE_WAITING, "Rows waiting in a hub queue",
                                    labels=["queue"])
        for queue, (since, depth) in sorted(shot.queues.items()):
            age = max((now - since).total_seconds(), 0.0) if since is not None else 0.0
            oldest.add_metric([queue], age)
            waiting.add_metric([queue], depth)
        return [oldest, waiting]

    @staticmethod
    def _tenants(shot: Snapshot) -> list[Metric]:
        agents = GaugeMetricFamily(AGENTS, "Agents enrolled and not revoked, per tenant",
                                   labels=["tenant"])
        offline = GaugeMetricFamily(AGENTS_OFFLINE, "Agents whose last state is offline "
                                    "(Last Will or offline message), per tenant",
                                    labels=["tenant"])
        for tenant, (off, total) in sorted(shot.agents.items()):
            agents.add_metric([tenant], total)
            offline.add_metric([tenant], off)
        down = GaugeMetricFamily(DEVICES_DOWN, "Devices their agent reports down, per tenant",
                                 labels=["tenant"])
        for tenant, count in sorted(shot.devices_down.items()):
            down.add_metric([tenant], count)
        alarms = GaugeMetricFamily(ALARMS_OPEN, "Alarms raised or acknowledged (not cleared), "
                                   "per tenant, severity and state",
                                   labels=["tenant", "severity", "state"])
        for (tenant, severity, state), count in sorted(shot.alarms.items()):
            alarms.add_metric([tenant, severity, state], count)
        return [agents, offline, down, alarms]

    @staticmethod
    def _schedules(shot: Snapshot) -> list[Metric]:
        overdue = GaugeMetricFamily(SCHEDULES_OVERDUE, "Schedules whose due time passed "
                                    "unclaimed, and runs waiting past their attempt, over 5 "
                                    "minutes late, by kind", labels=["kind"])
        failed = GaugeMetricFamily(SCHEDULES_FAILED, "Schedules whose most recently finished "
                                   "run failed for good (alarm hub.schedule_failed), by kind",
                                   labels=["kind"])
        success = GaugeMetricFamily(SCHEDULE_LAST_SUCCESS, "When a run of the kind last "
                                    "succeeded (Unix time; any tenant)", labels=["kind"])
        for kind, (late, bad, last) in sorted(shot.schedules.items()):
            overdue.add_metric([kind], late)
            failed.add_metric([kind], bad)
            if last is not None:
                success.add_metric([kind], last)
        return [overdue, failed, success]


class HubHealth:
    """The periodic pass feeding a collector; `start()` once the schema exists, `stop()`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], metrics: Metrics,
                 every_s: float = EVERY_S) -> None:
        self.sessions, self.metrics, self.every_s = sessions, metrics, every_s
        self.collector = HubHealthCollector(max_age_s=STALE_AFTER * every_s)
        metrics.add_live(self.collector)
        self._task: asyncio.Task[None] | None = None

    async def refresh(self) -> bool:
        """One pass: True when the snapshot was replaced, False when it failed (logged)."""
        try:
            async with self.sessions() as session, session.begin():
                shot = await asyncio.wait_for(take(session), timeout=max(self.every_s, 5.0))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # database down or slow: shown as stale, then absent
            self.metrics.inc(FAILED_PASSES, "Hub-health passes that could not read the "
                             "database")
            log.warning("hub_health.pass_failed error=%s: %s (the gauges go stale; check "
                        "the database)", type(exc).__name__, str(exc)[:300])
            return False
        self.collector.snapshot = shot
        return True

    @property
    def running(self) -> bool:
        """True between `start()` and `stop()`."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Run a pass now and every `every_s`."""
        self._task = asyncio.create_task(self._run(), name="hub-health")

    async def stop(self) -> None:
        """Stop the passes (the last snapshot stays until it is stale)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(self.every_s)


def install(app: Any, every_s: float = EVERY_S) -> HubHealth:
    """Give an API app (hub.app.create_app) the hub-health gauges on its `/metrics`.

    Wraps the app's lifespan: the passes start after it has migrated the schema and stop
    before it disposes of the engine. Uses `app.state.sessions` and `app.state.metrics`."""
    health = HubHealth(app.state.sessions, app.state.metrics, every_s)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(target: Any) -> AsyncIterator[Any]:
        async with inner(target) as state:
            health.start()
            try:
                yield state
            finally:
                await health.stop()

    app.router.lifespan_context = lifespan
    app.state.hub_health = health
    return health
