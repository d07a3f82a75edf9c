"""Running the webhook worker: inside the API process or on its own (`dotmac-hub webhooks`).
Any number may run at once (see `hub.events.delivery` for how rows are claimed)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.background import EmbeddedLoop
from hub.events.delivery import WebhookWorker
from hub.events.settings import WebhookSettings
from hub.metrics import Metrics
from hub.settings import HubSettings
from hub.worker_runner import StandaloneWorker, serve


class EmbeddedWebhooks(EmbeddedLoop):
    """The worker as a background task of the API process."""

    def __init__(self, worker: WebhookWorker) -> None:
        super().__init__("webhooks", worker.run, worker.stop, worker.close)
        self.worker = worker


def start_embedded(sessions: async_sessionmaker[AsyncSession], settings: HubSettings,
                   metrics: Metrics | None = None,
                   webhook: WebhookSettings | None = None) -> EmbeddedWebhooks | None:
    """Start a worker in this event loop when `WebhookSettings.embedded` (default: where
    ingest runs embedded) says so; None otherwise."""
    webhook = webhook or WebhookSettings()
    wanted = settings.ingest_in_process if webhook.embedded is None else webhook.embedded
    if not wanted:
        return None
    embedded = EmbeddedWebhooks(WebhookWorker(sessions, settings.secret_key, webhook, metrics))
    embedded.start()
    return embedded


async def run_standalone(settings: HubSettings, webhook: WebhookSettings | None = None) -> None:
    """`dotmac-hub webhooks`: deliver until SIGTERM/SIGINT. The caller (the composition
    root) has loaded every table (`hub.models`), so foreign keys like tenants.id resolve."""
    from hub.db import create_engine, session_factory

    webhook = webhook or WebhookSettings()
    engine = create_engine(settings.database_url)
    metrics = Metrics()
    worker = WebhookWorker(session_factory(engine), settings.secret_key, webhook, metrics)

    async def close() -> None:
        await worker.close()
        await engine.dispose()

    await serve(StandaloneWorker(
        "webhooks", worker.run, worker.stop, close, metrics=metrics,
        metrics_host=webhook.metrics_host, metrics_port=webhook.metrics_port))
