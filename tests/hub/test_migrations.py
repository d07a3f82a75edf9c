"""The same Alembic migrations upgrade, downgrade and upgrade again on PostgreSQL and SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from hub import migrations
from hub.db import sync_url
from hub.models import metadata
from tests.hub.harness import create_database, drop_database
from tests.services.postgres import Postgres


def _tables(url: str) -> set[str]:
    engine = create_engine(sync_url(url))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _round_trip(url: str) -> None:
    assert migrations.current(url) is None
    migrations.upgrade(url)
    assert migrations.current(url) == migrations.head()
    assert _tables(url) == set(metadata.tables)
    migrations.downgrade(url, "base")
    assert migrations.current(url) is None and _tables(url) == set()
    migrations.upgrade(url)
    assert _tables(url) == set(metadata.tables)


def test_round_trip_on_postgresql(postgres: Postgres) -> None:
    name = create_database(postgres.admin_dsn, "hub_migrate")
    try:
        _round_trip(f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}")
    finally:
        drop_database(postgres.admin_dsn, name)


def test_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}")


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_models_match_the_migrations(backend: str, postgres: Postgres, tmp_path: Path) -> None:
    """Autogenerate finds nothing to add: models and migration scripts agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    if backend == "postgresql":
        name = create_database(postgres.admin_dsn, "hub_autogen")
        url = f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
    else:
        name, url = "", f"sqlite+aiosqlite:///{tmp_path / 'autogen.sqlite3'}"
    try:
        migrations.upgrade(url)
        engine = create_engine(sync_url(url))
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        engine.dispose()
        assert diff == []
    finally:
        if name:
            drop_database(postgres.admin_dsn, name)


def test_a_migration_failing_halfway_rolls_back_whole_on_sqlite(tmp_path: Path) -> None:
    """0005 creates billing_customers, then meets a billing_plans that is already there: the
    tables it created before failing are gone and the version stays at 0004, so fixing the
    cause and upgrading again works (as on PostgreSQL)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    migrations.upgrade(url, "0004")
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE billing_plans (id INTEGER PRIMARY KEY)")
    with pytest.raises(Exception, match="billing_plans"):
        migrations.upgrade(url, "0005")
    assert migrations.current(url) == "0004"
    assert "billing_customers" not in _tables(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE billing_plans")
    engine.dispose()
    migrations.upgrade(url)
    assert _tables(url) == set(metadata.tables)
