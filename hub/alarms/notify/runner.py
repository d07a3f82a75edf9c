"""Running the alarm notifier: inside the API process or on its own. Any number may run at
once (see `hub.alarms.notify.worker` for how mail is claimed)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.alarms.notify.settings import NotifierSettings, SmtpSettings
from hub.alarms.notify.worker import AlarmNotifier
from hub.background import EmbeddedLoop
from hub.metrics import Metrics
from hub.settings import HubSettings
from hub.worker_runner import StandaloneWorker, serve


class EmbeddedNotifier(EmbeddedLoop):
    """The notifier as a background task of the API process."""

    def __init__(self, notifier: AlarmNotifier) -> None:
        super().__init__("alarm-notifier", notifier.run, notifier.request_stop, notifier.close)
        self.notifier = notifier


def start_embedded(sessions: async_sessionmaker[AsyncSession], settings: HubSettings,
                   metrics: Metrics | None = None, notify: NotifierSettings | None = None,
                   smtp: SmtpSettings | None = None) -> EmbeddedNotifier | None:
    """Start a notifier in this event loop when `NotifierSettings.embedded` (default: where
    ingest runs embedded) says so; None otherwise."""
    notify = notify or NotifierSettings()
    wanted = settings.ingest_in_process if notify.embedded is None else notify.embedded
    if not wanted:
        return None
    embedded = EmbeddedNotifier(AlarmNotifier(sessions, smtp, notify, metrics))
    embedded.start()
    return embedded


async def run_standalone(settings: HubSettings, notify: NotifierSettings | None = None,
                         smtp: SmtpSettings | None = None) -> None:
    """A standalone notifier until SIGTERM/SIGINT. The caller (the composition root) has
    loaded every table (`hub.models`), so foreign keys resolve."""
    from hub.db import create_engine, session_factory

    notify = notify or NotifierSettings()
    engine = create_engine(settings.database_url)
    metrics = Metrics()
    notifier = AlarmNotifier(session_factory(engine), smtp, notify, metrics)

    async def close() -> None:
        await notifier.close()
        await engine.dispose()

    await serve(StandaloneWorker(
        "alarm-notifier", notifier.run, notifier.request_stop, close, metrics=metrics,
        metrics_host=notify.metrics_host, metrics_port=notify.metrics_port))
