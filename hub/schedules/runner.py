"""The scheduler inside the API process (`start_embedded`, from the API lifespan) or on its
own (`run_standalone`, `dotmac-hub scheduler`). Any number may run at once: every claim is
decided by the database (hub.schedules.scheduler)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.background import EmbeddedLoop
from hub.metrics import Metrics
from hub.schedules.scheduler import Scheduler
from hub.schedules.settings import SchedulerSettings
from hub.settings import HubSettings
from hub.worker_runner import StandaloneWorker, serve


class EmbeddedScheduler(EmbeddedLoop):
    """The scheduler as a background task of the API process."""

    def __init__(self, scheduler: Scheduler) -> None:
        super().__init__("scheduler", scheduler.run, scheduler.request_stop, scheduler.close)
        self.scheduler = scheduler


def start_embedded(sessions: async_sessionmaker[AsyncSession], settings: HubSettings,
                   metrics: Metrics | None = None,
                   scheduler: SchedulerSettings | None = None) -> EmbeddedScheduler | None:
    """Start a scheduler in this event loop when `SchedulerSettings.embedded` (default:
    where ingest runs embedded) says so; None otherwise. Stop it with `await x.stop()`."""
    scheduler = scheduler or SchedulerSettings()
    wanted = settings.ingest_in_process if scheduler.embedded is None else scheduler.embedded
    if not wanted:
        return None
    embedded = EmbeddedScheduler(Scheduler(sessions, scheduler, metrics))
    embedded.start()
    return embedded


async def run_standalone(settings: HubSettings,
                         scheduler: SchedulerSettings | None = None) -> None:
    """A standalone scheduler until SIGTERM/SIGINT. The caller (the composition root) has
    loaded every table (`hub.models`) and registered the tasks (`hub.handlers.wire`)."""
    from hub.db import create_engine, session_factory

    scheduler = scheduler or SchedulerSettings()
    engine = create_engine(settings.database_url)
    metrics = Metrics()
    worker = Scheduler(session_factory(engine), scheduler, metrics)

    async def close() -> None:
        await worker.close()
        await engine.dispose()

    await serve(StandaloneWorker(
        "scheduler", worker.run, worker.request_stop, close, metrics=metrics,
        metrics_host=scheduler.metrics_host, metrics_port=scheduler.metrics_port))
