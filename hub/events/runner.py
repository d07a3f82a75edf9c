"""Running the webhook worker: inside the API process or on its own (`dotmac-hub webhooks`).
Any number may run at once (see `hub.events.delivery` for how rows are claimed)."""

from __future__ import annotations

import asyncio
import signal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.background import EmbeddedLoop
from hub.events.delivery import WebhookWorker
from hub.events.settings import WebhookSettings
from hub.metrics import Metrics
from hub.settings import HubSettings


class EmbeddedWebhooks(EmbeddedLoop):
    """The worker as a background task of the API process."""

    def __init__(self, worker: WebhookWorker) -> None:
        super().__init__("webhooks", worker.run, worker.stop, worker.close)
        self.worker = worker


def start_embedded(sessions: async_sessionmaker[AsyncSession], settings: HubSettings,
                   metrics: Metrics | None = None,
                   webhook: WebhookSettings | None = None) -> EmbeddedWebhooks | None:
    """Start a worker in this event loop when DOTMAC_HUB_WEBHOOK_EMBEDDED (default: where
    ingest runs embedded) says so; None otherwise."""
    webhook = webhook or WebhookSettings()
    wanted = settings.ingest_in_process if webhook.embedded is None else webhook.embedded
    if not wanted:
        return None
    embedded = EmbeddedWebhooks(WebhookWorker(sessions, settings.secret_key, webhook, metrics))
    embedded.start()
    return embedded


async def run_standalone(settings: HubSettings, webhook: WebhookSettings | None = None) -> None:
    """`dotmac-hub webhooks`: deliver until SIGTERM/SIGINT."""
    from hub import models  # noqa: F401 - every table, so foreign keys (tenants.id) resolve
    from hub.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    worker = WebhookWorker(session_factory(engine), settings.secret_key, webhook)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    try:
        await worker.run()
    finally:
        await worker.close()
        await engine.dispose()
