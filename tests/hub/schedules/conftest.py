"""Schedule tests share one PostgreSQL database and one running hub for the whole package
(each test makes its own tenants): one migration instead of one per module keeps them fast."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from tests.hub.harness import Hub, create_database, drop_database, hub_settings, running_hub
from tests.services.postgres import Postgres


@pytest.fixture(scope="package")
def pg_url(postgres: Postgres) -> Iterator[str]:
    """SQLAlchemy URL of the package's database."""
    name = create_database(postgres.admin_dsn, "hub_schedules")
    yield f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
    drop_database(postgres.admin_dsn, name)


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def hub(pg_url: str) -> AsyncIterator[Hub]:
    """The hub app, migrated, on the package's database."""
    async with running_hub(hub_settings(pg_url)) as running:
        yield running
