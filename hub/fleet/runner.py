"""Running the config pusher: as a background task of the API process (embedded ingest) and
beside the job dispatcher in `dotmac-hub dispatch`. Any number may run at once: each agent's
state row is locked while its config is pushed (see `hub.fleet.pusher`).

The broker connection comes from the composition root (the dispatcher's login: it writes
agents' cmd/ topics), so this domain does not depend on the jobs domain.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.background import EmbeddedLoop
from hub.broker.commands import CommandPublisher
from hub.fleet.pusher import ConfigPusher


class ClosablePublisher(CommandPublisher, Protocol):
    """A command publisher holding a broker connection."""

    async def close(self) -> None:
        """Disconnect."""


class EmbeddedPusher(EmbeddedLoop):
    """The config pusher as a background task."""

    def __init__(self, pusher: ConfigPusher, publisher: ClosablePublisher) -> None:
        super().__init__("config-pusher", pusher.run, pusher.stop, publisher.close)
        self.pusher, self.publisher = pusher, publisher


def start_embedded(sessions: async_sessionmaker[AsyncSession], publisher: ClosablePublisher,
                   secret_key: str, resend_after_s: float = 60.0) -> EmbeddedPusher:
    """Start a pusher in this event loop (it closes `publisher` when stopped)."""
    embedded = EmbeddedPusher(ConfigPusher(sessions, publisher, secret_key,
                                           resend_after_s=resend_after_s), publisher)
    embedded.start()
    return embedded


async def pushing_while(main: Awaitable[None], database_url: str,
                        publisher: ClosablePublisher, secret_key: str,
                        resend_after_s: float = 60.0) -> None:
    """Run a pusher (on an engine of its own) for as long as `main` runs, e.g. the
    standalone dispatcher until SIGTERM."""
    from hub.db import create_engine, session_factory

    engine = create_engine(database_url)
    embedded = start_embedded(session_factory(engine), publisher, secret_key, resend_after_s)
    try:
        await main
    finally:
        await embedded.stop()
        await engine.dispose()
