"""Running the document mailer: inside the API process or on its own. Any number may run
at once (see `hub.billing.documents.mailer` for how mail is claimed).

The composition root calls `start_embedded` (hub.app) and `run_standalone` (hub.cli)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.background import EmbeddedLoop
from hub.billing.documents.mailer import DocumentMailer
from hub.billing.documents.settings import DocumentMailSettings
from hub.mail import SmtpSettings
from hub.metrics import Metrics
from hub.settings import HubSettings
from hub.worker_runner import StandaloneWorker, serve


class EmbeddedDocumentMailer(EmbeddedLoop):
    """The mailer as a background task of the API process."""

    def __init__(self, mailer: DocumentMailer) -> None:
        super().__init__("document-mailer", mailer.run, mailer.request_stop, mailer.close)
        self.mailer = mailer


def start_embedded(sessions: async_sessionmaker[AsyncSession], settings: HubSettings,
                   metrics: Metrics | None = None, mail: DocumentMailSettings | None = None,
                   smtp: SmtpSettings | None = None) -> EmbeddedDocumentMailer | None:
    """Start a mailer in this event loop when `DocumentMailSettings.embedded` (default:
    where ingest runs embedded) says so; None otherwise."""
    mail = mail or DocumentMailSettings()
    wanted = settings.ingest_in_process if mail.embedded is None else mail.embedded
    if not wanted:
        return None
    embedded = EmbeddedDocumentMailer(DocumentMailer(sessions, smtp, mail, metrics))
    embedded.start()
    return embedded


async def run_standalone(settings: HubSettings, mail: DocumentMailSettings | None = None,
                         smtp: SmtpSettings | None = None) -> None:
    """A standalone mailer until SIGTERM/SIGINT. The caller (the composition root) has
    loaded every table (`hub.models`), so foreign keys resolve."""
    from hub.db import create_engine, session_factory

    mail = mail or DocumentMailSettings()
    engine = create_engine(settings.database_url)
    metrics = Metrics()
    mailer = DocumentMailer(session_factory(engine), smtp, mail, metrics)

    async def close() -> None:
        await mailer.close()
        await engine.dispose()

    await serve(StandaloneWorker(
        "document-mailer", mailer.run, mailer.request_stop, close, metrics=metrics,
        metrics_host=mail.metrics_host, metrics_port=mail.metrics_port))
