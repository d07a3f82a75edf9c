"""The alarm evaluator worker: a pass over every tenant every `interval_s`
(`hub.alarms.evaluator.run_pass`), inside the API process or on its own.

Any number may run at once (every API worker of `serve --workers N`, standalone ones): on
PostgreSQL the one holding a session-level advisory lock on a connection of its own is the
leader and runs the passes; the others stand by and take over at their next interval when
the leader's connection goes (process stopped or crashed). Passes stay safe without it
(per-tenant locks, one open alarm per key); it only keeps N processes from doing N passes
per interval. SQLite has one process: it always leads.

The composition root calls `start_embedded` (API lifespan) or `run_standalone` (a
`dotmac-hub` command); both are here so it needs nothing else of this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from hub.alarms.evaluator import LOCK_SPACE, PassReport, run_pass
from hub.alarms.evaluator_settings import EvaluatorSettings
from hub.alarms.repository import locks
from hub.background import EmbeddedLoop
from hub.metrics import Metrics
from hub.settings import HubSettings
from hub.worker_runner import StandaloneWorker, serve

log = logging.getLogger("dotmac.hub.alarms.evaluator")
PASSES = "dotmac_hub_alarm_eval_passes_total"
FAILURES = "dotmac_hub_alarm_eval_failures_total"
SECONDS = "dotmac_hub_alarm_eval_seconds_total"
CHANGES = "dotmac_hub_alarm_eval_alarms_total"
SKIPPED = "dotmac_hub_alarm_eval_tenants_skipped_total"
STANDBY = "dotmac_hub_alarm_eval_standby_total"


LEADER_SPACE = LOCK_SPACE + 1  # pg_try_advisory_lock(LEADER_SPACE, 0): the leader's lock


class Leadership:
    """Whether this process is the evaluator that runs passes (see the module docstring)."""

    def __init__(self, engine: AsyncEngine | None) -> None:
        self.engine = engine
        self._conn: AsyncConnection | None = None

    @property
    def leading(self) -> bool:
        """Whether the lock is held on a connection of ours right now."""
        return self._conn is not None

    async def held(self) -> bool:
        """Keep (checking its connection is alive) or try to take the leadership."""
        if self.engine is None or self.engine.dialect.name != "postgresql":
            return True
        if self._conn is not None:
            try:
                await locks.ping(self._conn)
                await self._conn.commit()
                return True
            except Exception as exc:  # the connection is gone and the lock with it
                log.warning("alarms.leadership_lost error=%s", type(exc).__name__)
                await self.release()
        return await self._take()

    async def _take(self) -> bool:
        assert self.engine is not None
        conn = await self.engine.connect()
        try:
            got = await locks.try_connection_lock(conn, LEADER_SPACE, 0)
            await conn.commit()  # the session-level lock outlives the transaction
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        log.info("alarms.evaluator_leading")
        return True

    async def release(self) -> None:
        """Give the leadership up (closing the connection releases the lock)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        with contextlib.suppress(Exception):
            await locks.unlock_connection_lock(conn, LEADER_SPACE, 0)
        with contextlib.suppress(Exception):
            await conn.close()


class AlarmEvaluator:
    """Evaluates the hub's own alarm rules every `interval_s` until asked to stop."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 settings: EvaluatorSettings | None = None,
                 metrics: Metrics | None = None) -> None:
        self.sessions = sessions
        self.settings = settings or EvaluatorSettings()
        self.metrics = metrics or Metrics()
        self.leadership = Leadership(sessions.kw.get("bind"))
        self._stop = asyncio.Event()

    async def run(self) -> None:
        """Pass, wait, pass... until `request_stop`; a failing pass (database down) is
        logged, counted and retried at the next interval."""
        log.info("alarms.evaluator_started interval_s=%g", self.settings.interval_s)
        while not self._stop.is_set():
            await self.tick()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.interval_s)

    def request_stop(self) -> None:
        """Ask `run` to return after the current pass."""
        self._stop.set()

    stop = request_stop  # the name hub.worker_runner.StandaloneWorker calls

    async def close(self) -> None:
        """Give the leadership up (the caller owns the engine)."""
        await self.leadership.release()

    async def tick(self, now: datetime | None = None) -> PassReport | None:
        """One pass, counted, when this process leads; None when it stands by or the pass
        failed as a whole."""
        try:
            if not await self.leadership.held():
                self.metrics.inc(STANDBY, "Intervals an evaluator stood by while another "
                                 "hub process led")
                return None
        except Exception as exc:  # the database is down: nobody can lead, retried later
            self._failed(exc)
            return None
        started = time.perf_counter()
        try:
            report = await run_pass(self.sessions, now)
        except Exception as exc:  # the loop must survive outages
            self._failed(exc)
            return None
        finally:
            self.metrics.inc(SECONDS, "Seconds spent in alarm evaluation passes",
                             time.perf_counter() - started)
        self._count(report)
        return report

    def _failed(self, exc: Exception) -> None:
        self.metrics.inc(FAILURES, "Alarm evaluator failures by stage", stage="pass")
        log.warning("alarms.pass_failed error=%s: %s", type(exc).__name__, str(exc)[:300])

    def _count(self, report: PassReport) -> None:
        self.metrics.inc(PASSES, "Alarm evaluation passes over every tenant")
        for stage, amount in (("tenant", report.failed), ("rule", len(report.failed_rules))):
            if amount:
                self.metrics.inc(FAILURES, "Alarm evaluator failures by stage", amount,
                                 stage=stage)
        for change, amount in (("raised", report.raised), ("cleared", report.cleared),
                               ("closed", report.closed)):
            if amount:
                self.metrics.inc(CHANGES, "Alarms raised (or still active), cleared and "
                                 "closed by the evaluator", amount, change=change)
        if report.skipped:
            self.metrics.inc(SKIPPED, "Tenants skipped because another hub process was "
                             "evaluating them", report.skipped)


class EmbeddedEvaluator(EmbeddedLoop):
    """The evaluator as a background task of the API process."""

    def __init__(self, evaluator: AlarmEvaluator) -> None:
        super().__init__("alarm-evaluator", evaluator.run, evaluator.request_stop,
                         evaluator.close)
        self.evaluator = evaluator


def start_embedded(sessions: async_sessionmaker[AsyncSession], settings: HubSettings,
                   metrics: Metrics | None = None,
                   evaluator: EvaluatorSettings | None = None) -> EmbeddedEvaluator | None:
    """Start an evaluator in this event loop when `EvaluatorSettings.embedded` (default:
    where ingest runs embedded) says so; None otherwise. Stop it with `await x.stop()`."""
    evaluator = evaluator or EvaluatorSettings()
    wanted = settings.ingest_in_process if evaluator.embedded is None else evaluator.embedded
    if not wanted:
        return None
    embedded = EmbeddedEvaluator(AlarmEvaluator(sessions, evaluator, metrics))
    embedded.start()
    return embedded


async def run_standalone(settings: HubSettings,
                         evaluator: EvaluatorSettings | None = None) -> None:
    """A standalone evaluator until SIGTERM/SIGINT. The caller (the composition root) has
    loaded every table (`hub.models`) and wired the domain events (`hub.handlers.wire`:
    raising alarms announces AlarmChanged to the notifier)."""
    from hub.db import create_engine, session_factory

    evaluator = evaluator or EvaluatorSettings()
    engine = create_engine(settings.database_url)
    metrics = Metrics()
    worker = AlarmEvaluator(session_factory(engine), evaluator, metrics)

    async def close() -> None:
        await worker.close()
        await engine.dispose()

    await serve(StandaloneWorker(
        "alarm-evaluator", worker.run, worker.request_stop, close, metrics=metrics,
        metrics_host=evaluator.metrics_host, metrics_port=evaluator.metrics_port))
