"""Running the job dispatcher: inside the API process (embedded ingest) or on its own
(`dotmac-hub dispatch`). Any number may run at once: every move is a conditional UPDATE
under a device row lock (see `hub.jobs.dispatcher`), so two hubs never send a job twice.
"""

from __future__ import annotations

import os
import secrets

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.background import EmbeddedLoop
from hub.jobs.dispatcher import JobDispatcher
from hub.jobs.mqtt import MqttCommandPublisher
from hub.jobs.settings import JobsSettings
from hub.worker_runner import StandaloneWorker, serve


def publisher_for(settings: JobsSettings) -> MqttCommandPublisher:
    """The dispatcher's broker login with a client id unique to this process: the publisher
    keeps no session, and a shared id would make two hub processes disconnect each other."""
    suffix = f"{os.getpid()}-{secrets.token_hex(3)}"
    return MqttCommandPublisher.from_settings(settings, suffix)


class EmbeddedDispatcher(EmbeddedLoop):
    """The dispatcher as a background task of the API process."""

    def __init__(self, dispatcher: JobDispatcher, publisher: MqttCommandPublisher) -> None:
        super().__init__("jobs-dispatcher", dispatcher.run, dispatcher.stop, publisher.close)
        self.dispatcher, self.publisher = dispatcher, publisher


def start_embedded(sessions: async_sessionmaker[AsyncSession],
                   settings: JobsSettings | None = None) -> EmbeddedDispatcher:
    """Start a dispatcher in this event loop."""
    settings = settings or JobsSettings()
    publisher = publisher_for(settings)
    dispatcher = JobDispatcher(sessions, publisher, resend_after_s=settings.resend_after_s)
    embedded = EmbeddedDispatcher(dispatcher, publisher)
    embedded.start()
    return embedded


async def run_standalone(database_url: str, settings: JobsSettings) -> None:
    """`dotmac-hub dispatch`: dispatch and expire jobs until SIGTERM/SIGINT."""
    from hub.db import create_engine, session_factory

    engine = create_engine(database_url)
    publisher = publisher_for(settings)
    dispatcher = JobDispatcher(session_factory(engine), publisher,
                               resend_after_s=settings.resend_after_s)

    async def close() -> None:
        await publisher.close()
        await engine.dispose()

    await serve(StandaloneWorker("dispatch", dispatcher.run, dispatcher.stop, close))
