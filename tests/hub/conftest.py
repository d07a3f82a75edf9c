"""Hub fixtures: one PostgreSQL database per test module, a running app on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from tests.hub.harness import Hub, create_database, drop_database, hub_settings, running_hub
from tests.services.postgres import Postgres


@pytest.fixture(scope="module")
def pg_url(postgres: Postgres, request: pytest.FixtureRequest) -> Iterator[str]:
    """SQLAlchemy URL of a database private to this test module."""
    name = create_database(postgres.admin_dsn, f"hub_{request.module.__name__.rsplit('.', 1)[-1]}"
                           [:40])
    yield f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
    drop_database(postgres.admin_dsn, name)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def hub(pg_url: str) -> AsyncIterator[Hub]:
    """The hub app, migrated, on this module's PostgreSQL database."""
    async with running_hub(hub_settings(pg_url)) as running:
        yield running
