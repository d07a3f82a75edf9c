"""Security test fixtures: a migrated PostgreSQL database for this directory's modules, and
the hub's own `pg_url`/`hub` fixtures (a running app on a database private to each module)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.hub.conftest import hub, pg_url
from tests.hub.harness import drop_database
from tests.hub.ingest.harness import engine_and_sessions, migrated_database
from tests.services.postgres import Postgres

__all__ = ["hub", "pg_url", "sessions"]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sessions(postgres: Postgres) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a fresh, migrated database private to the test module."""
    url = migrated_database(postgres, "security")
    engine, factory = engine_and_sessions(url)
    yield factory
    await engine.dispose()
    drop_database(postgres.admin_dsn, url.rsplit("/", 1)[1])
