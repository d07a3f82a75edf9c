"""The scheduler: every `tick_s` it gives new tenants their default schedules, claims the
due times that have come (one run row each), takes runs to retry and runs whose process
died, and runs what it holds, extending its leases while a task works.

Exactly once per due time, across any number of hub processes, rests on the database alone
(docs/scheduling.md): the run row's UNIQUE(schedule_id, due_at), compare-and-set on the
schedule's next due time and on a run's status and lease. A process that dies mid-run loses
its lease after `lease_s`; another one takes the run and runs the task again from the start,
which tasks make harmless (billing skips what a previous attempt committed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.db import new_id, utcnow
from hub.metrics import Metrics
from hub.schedules import repository as rows
from hub.schedules.models import Schedule, ScheduleRun
from hub.schedules.settings import SchedulerSettings
from hub.schedules.tasks import Task, TaskContext, task, tasks
from hub.schedules.timing import due_between, local_date, next_due

log = logging.getLogger("dotmac.hub.scheduler")
RUNS = "dotmac_hub_schedule_runs_total"
FAILURES = "dotmac_hub_scheduler_failures_total"
CLAIM_BATCH = 20  # schedules or runs claimed per tick: the rest wait for the next one
DEFAULTS_EVERY_S = 60.0  # how often new tenants are looked for
ERROR_MAX = 300


def claimer_id() -> str:
    """How this process appears in `claimed_by`: host:pid."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def short_error(exc: BaseException) -> str:
    """A failure as stored and shown: type and message, credentials in URLs masked, short."""
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return re.sub(r"://[^/@\s]*@", "://***@", text)[:ERROR_MAX]


@dataclass
class TickReport:
    """What one tick did."""

    created: int = 0  # default schedules created
    claimed: int = 0  # due times claimed
    taken: int = 0  # runs taken again (retry, pending, claimer died)
    results: dict[str, int] = field(default_factory=dict)  # status -> runs ended so


def default_schedule(tenant_id: uuid.UUID, spec: Task, timezone: str,
                     now: datetime) -> dict[str, Any]:
    """Column values of a new tenant's schedule of `spec` (first due after `now`)."""
    return {"id": new_id(), "tenant_id": tenant_id, "kind": spec.kind,
            "cron": spec.default_cron, "timezone": timezone, "enabled": True,
            "params": spec.params, "next_due_at": next_due(spec.default_cron, timezone, now),
            "created_at": now, "updated_at": now}


class Scheduler:
    """Runs the registered tasks' schedules (see the module docstring)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 settings: SchedulerSettings | None = None, metrics: Metrics | None = None,
                 clock: Callable[[], datetime] = utcnow, claimer: str | None = None) -> None:
        self.sessions = sessions
        self.settings = settings or SchedulerSettings()
        self.metrics = metrics or Metrics()
        self.clock = clock
        self.claimer = claimer or claimer_id()
        self._stop = asyncio.Event()
        self._defaults_at = -DEFAULTS_EVERY_S

    # ---- the loop ----

    async def run(self) -> None:
        """Tick, wait, tick... until `request_stop`; a failing tick (database down) is
        logged, counted and tried again at the next one."""
        log.info("scheduler.started claimer=%s tick_s=%g lease_s=%g", self.claimer,
                 self.settings.tick_s, self.settings.lease_s)
        beat = asyncio.create_task(self._heartbeat(), name="scheduler-heartbeat")
        try:
            while not self._stop.is_set():
                try:
                    await self.tick()
                except Exception as exc:  # the loop must survive outages
                    self._count_failure("tick", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.settings.tick_s)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    def request_stop(self) -> None:
        """Ask `run` to return after the current tick (a run in progress finishes first)."""
        self._stop.set()

    stop = request_stop  # the name hub.worker_runner.StandaloneWorker calls

    async def close(self) -> None:
        """Nothing held (the caller owns the engine)."""

    async def tick(self) -> TickReport:
        """One pass: defaults, due times, runs to take, then run what was claimed."""
        report = TickReport()
        kinds = [t.kind for t in tasks()]
        if not kinds:
            return report
        if time.monotonic() - self._defaults_at >= DEFAULTS_EVERY_S:
            report.created = await self.ensure_defaults()
            self._defaults_at = time.monotonic()
        claimed = await self._claim_due(kinds)
        taken = await self._take_runs(kinds)
        report.claimed, report.taken = len(claimed), len(taken)
        for run_id in claimed + taken:
            status = await self.execute(run_id)
            report.results[status] = report.results.get(status, 0) + 1
        return report

    async def _heartbeat(self) -> None:
        """Extend the leases of the runs this process holds, every third of a lease."""
        while True:
            await asyncio.sleep(self.settings.lease_s / 3)
            try:
                async with self.sessions() as session, session.begin():
                    await rows.extend_leases(session, self.claimer, self._lease_end())
            except Exception as exc:  # the lease may run out: another process takes over
                self._count_failure("heartbeat", exc)

    def _lease_end(self) -> datetime:
        return self.clock() + timedelta(seconds=self.settings.lease_s)

    # ---- defaults ----

    async def ensure_defaults(self) -> int:
        """Give every tenant a schedule of every registered kind it lacks; how many."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            missing = await rows.missing_defaults(session, [t.kind for t in tasks()])
            values = [default_schedule(tenant, spec, self.settings.timezone, now)
                      for tenant, kind in missing if (spec := task(kind)) is not None]
            await rows.add_if_absent(session, values)
        if values:
            log.info("scheduler.defaults_created schedules=%d", len(values))
        return len(values)

    # ---- claiming ----

    async def _claim_due(self, kinds: list[str]) -> list[uuid.UUID]:
        async with self.sessions() as session:
            due = await rows.due_schedules(session, self.clock(), kinds, CLAIM_BATCH)
            ids = [s.id for s in due]
        claimed: list[uuid.UUID] = []
        for schedule_id in ids:
            try:
                claimed += await self._claim_schedule(schedule_id)
            except Exception as exc:  # a bad row must not stop the others
                self._count_failure("claim", exc)
        return claimed

    async def _claim_schedule(self, schedule_id: uuid.UUID) -> list[uuid.UUID]:
        """Insert the run rows of the schedule's due times and move its next due time, in
        one transaction; nothing when another process did it first."""
        try:
            async with self.sessions() as session, session.begin():
                return await self._claim_in(session, schedule_id)
        except _LostRaceError:
            return []  # rolled back: another process claimed these due times

    async def _claim_in(self, session: AsyncSession, schedule_id: uuid.UUID,
                        ) -> list[uuid.UUID]:
        now = self.clock()
        schedule = await rows.schedule_by_id(session, schedule_id)
        spec = task(schedule.kind) if schedule is not None else None
        if schedule is None or spec is None or schedule.next_due_at > now:
            return []
        limit = self.settings.catch_up_limit if spec.catch_up == "all" else 1
        due, following = due_between(schedule.cron, schedule.timezone, schedule.next_due_at,
                                     now, limit)
        claimed = [run_id for at in due
                   if (run_id := await self._claim_one(session, schedule, at, now))]
        if not await rows.advance(session, schedule.id, schedule.next_due_at, following):
            raise _LostRaceError
        if now - schedule.next_due_at > timedelta(seconds=max(self.settings.lease_s, 300)):
            log.info("scheduler.catching_up schedule=%s kind=%s tenant=%s since=%s "
                     "policy=%s running=%d", schedule.id, schedule.kind, schedule.tenant_id,
                     schedule.next_due_at.isoformat(), spec.catch_up, len(claimed))
        return claimed

    async def _claim_one(self, session: AsyncSession, schedule: Schedule, due_at: datetime,
                         now: datetime) -> uuid.UUID | None:
        run_id = new_id()
        values = {"id": run_id, "tenant_id": schedule.tenant_id, "schedule_id": schedule.id,
                  "kind": schedule.kind, "due_at": due_at, "manual": False,
                  "status": "running", "attempt": 1, "claimed_by": self.claimer,
                  "lease_until": self._lease_end(), "started_at": now, "summary": "",
                  "created_at": now}
        return run_id if await rows.claim_due_time(session, values) else None

    async def _take_runs(self, kinds: list[str]) -> list[uuid.UUID]:
        now = self.clock()
        async with self.sessions() as session:
            found = await rows.takeable_runs(session, now, kinds, CLAIM_BATCH)
        taken = []
        for run_id, attempt, status, kind in found:
            if await self._take(run_id, attempt, status, kind, now):
                taken.append(run_id)
        return taken

    async def _take(self, run_id: uuid.UUID, attempt: int, status: str, kind: str,
                    now: datetime) -> bool:
        """Take one run by compare-and-set; a dead claimer's run out of attempts is
        abandoned instead (failed for good: it would kill the next process too)."""
        if status == "running" and attempt >= self.settings.max_attempts:
            values: dict[str, Any] = {"status": "abandoned", "finished_at": now,
                                      "lease_until": None,
                                      "error": "its process stopped during each attempt"}
        else:
            values = {"status": "running", "attempt": attempt + 1, "claimed_by": self.claimer,
                      "lease_until": self._lease_end(), "started_at": now,
                      "next_attempt_at": None}
        async with self.sessions() as session, session.begin():
            won = await rows.take_run(session, run_id, now, values)
        if won and values["status"] == "abandoned":
            log.warning("scheduler.run_abandoned run=%s attempts=%d", run_id, attempt)
            self.metrics.inc(RUNS, "Schedule runs ended, by kind and status", kind=kind,
                             status="abandoned")
            return False
        if won and status == "running":
            log.warning("scheduler.run_reclaimed run=%s attempt=%d (its process stopped "
                        "holding it)", run_id, attempt + 1)
        return won

    # ---- running ----

    async def execute(self, run_id: uuid.UUID) -> str:
        """Run the task of a run this process holds; record and return how it ended."""
        async with self.sessions() as session:
            found = await rows.run_and_schedule(session, run_id)
        if found is None:
            return "gone"
        run, schedule = found
        spec = task(run.kind)
        started = time.perf_counter()
        try:
            if spec is None:
                raise LookupError(f"no task registered for kind {run.kind!r} in this process")
            summary = await spec.fn(self._context(run, schedule))
        except Exception as exc:  # the task failed: retried with backoff, then failed
            status = await self._failed(run, exc)
        else:
            status = await self._finish(run, {"status": "succeeded", "summary": summary[:300],
                                              "error": None})
        self.metrics.inc("dotmac_hub_schedule_run_seconds_total", "Seconds spent running "
                         "scheduled tasks, by kind", time.perf_counter() - started, kind=run.kind)
        return status

    def _context(self, run: ScheduleRun, schedule: Schedule) -> TaskContext:
        return TaskContext(sessions=self.sessions, tenant_id=run.tenant_id, due_at=run.due_at,
                           local_date=local_date(run.due_at, schedule.timezone),
                           params=dict(schedule.params or {}))

    async def _failed(self, run: ScheduleRun, exc: Exception) -> str:
        error = short_error(exc)
        log.warning("scheduler.run_failed run=%s kind=%s tenant=%s attempt=%d error=%s",
                    run.id, run.kind, run.tenant_id, run.attempt, error)
        if run.attempt >= self.settings.max_attempts:
            return await self._finish(run, {"status": "failed", "error": error})
        wait = min(self.settings.retry_base_s * 2 ** (run.attempt - 1),
                   self.settings.retry_max_s)
        return await self._finish(run, {
            "status": "retrying", "error": error, "lease_until": None,
            "next_attempt_at": self.clock() + timedelta(seconds=wait)})

    async def _finish(self, run: ScheduleRun, values: dict[str, Any]) -> str:
        status = str(values["status"])
        if status != "retrying":
            values = {**values, "finished_at": self.clock(), "lease_until": None}
        async with self.sessions() as session, session.begin():
            held = await rows.finish_run(session, run.id, self.claimer, values)
        if not held:  # our lease ran out and another process took the run over
            log.warning("scheduler.run_lost run=%s kind=%s (lease ran out; another process "
                        "holds it now)", run.id, run.kind)
            return "lost"
        self.metrics.inc(RUNS, "Schedule runs ended, by kind and status", kind=run.kind,
                         status=status)
        return status

    def _count_failure(self, stage: str, exc: Exception) -> None:
        self.metrics.inc(FAILURES, "Scheduler steps that failed (database down...), by stage",
                         stage=stage)
        log.warning("scheduler.%s_failed error=%s", stage, short_error(exc))


class _LostRaceError(Exception):
    """Another process moved the schedule's next due time first: roll the claim back."""
