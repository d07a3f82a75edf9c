"""The same Alembic migrations upgrade, downgrade and upgrade again on PostgreSQL and SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
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


@contextmanager
def _database(backend: str, postgres: Postgres, tmp_path: Path, label: str) -> Iterator[str]:
    """The URL of an empty database of `backend`, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / f'{label}.sqlite3'}"
        return
    name = create_database(postgres.admin_dsn, label)
    try:
        yield f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
    finally:
        drop_database(postgres.admin_dsn, name)


def _devices(profile_column: str) -> sa.TableClause:
    return sa.table("devices", *(sa.column(c, sa.Uuid) for c in ("id", "tenant_id", "site_id")),
                    sa.column("name"), sa.column("management_address"),
                    sa.column(profile_column), sa.column("created_at", sa.DateTime(timezone=True)))


def _add_devices(engine: sa.Engine, profiles: list[str]) -> None:
    """Devices as the hub before 0011 stored them (one tenant, one site)."""
    now, tenant, site = datetime.now(UTC), uuid.uuid4(), uuid.uuid4()
    tenants = sa.table("tenants", sa.column("id", sa.Uuid), sa.column("name"),
                       sa.column("created_at", sa.DateTime(timezone=True)))
    sites = sa.table("sites", *(sa.column(c, sa.Uuid) for c in ("id", "tenant_id")),
                     sa.column("name"), sa.column("description"),
                     sa.column("created_at", sa.DateTime(timezone=True)))
    with engine.begin() as conn:
        conn.execute(sa.insert(tenants).values(id=tenant, name="isp", created_at=now))
        conn.execute(sa.insert(sites).values(id=site, tenant_id=tenant, name="pop",
                                             description="", created_at=now))
        conn.execute(sa.insert(_devices("snmp_profile")), [
            {"id": uuid.uuid4(), "tenant_id": tenant, "site_id": site, "name": f"dev{n}",
             "management_address": f"192.0.2.{n + 1}", "snmp_profile": profile,
             "created_at": now} for n, profile in enumerate(profiles)])


def _profiles(engine: sa.Engine, column: str) -> list[str]:
    table = _devices(column)
    with engine.connect() as conn:
        return sorted(conn.scalars(sa.select(table.c[column])))


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_0011_renames_snmp_profile_to_profile_with_agent_names(
        backend: str, postgres: Postgres, tmp_path: Path) -> None:
    """Dashed names become the agent's (`cisco-ios` -> `cisco_ios`); down keeps the data."""
    with _database(backend, postgres, tmp_path, "hub_profile") as url:
        migrations.upgrade(url, "0010")
        engine = create_engine(sync_url(url))
        try:
            _add_devices(engine, ["cisco-ios", "juniper_junos", "aruba"])
            migrations.upgrade(url, "0011")
            assert _profiles(engine, "profile") == ["aruba", "cisco_ios", "juniper_junos"]
            migrations.downgrade(url, "0010")
            assert _profiles(engine, "snmp_profile") == ["aruba", "cisco_ios", "juniper_junos"]
            migrations.upgrade(url, "0011")
            assert _profiles(engine, "profile") == ["aruba", "cisco_ios", "juniper_junos"]
        finally:
            engine.dispose()


def _alarm_row(tenant: uuid.UUID, state: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {"id": uuid.uuid4(), "tenant_id": tenant, "created_at": now, "rule": "event.link",
            "dedupe_key": "event.link|sw1|ifIndex=1", "alarm_type": "link_down",
            "severity": "major", "state": state, "subject": "sw1 Gi0/1", "summary": "",
            "details": {}, "origin": "event", "first_raised_at": now, "last_raised_at": now,
            "raised_count": 1, "last_change_at": now, "flapping": False,
            "in_maintenance": False, "impacts": [], "updated_at": now}


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_0017_one_open_alarm_per_dedupe_key(backend: str, postgres: Postgres,
                                            tmp_path: Path) -> None:
    """The partial unique index: closed alarms of a condition pile up as history, a second
    open one is refused; down to 0016 removes the tables and agent_health's counters."""
    from sqlalchemy.exc import IntegrityError

    from hub.alarms.models import Alarm

    with _database(backend, postgres, tmp_path, "hub_alarms") as url:
        migrations.upgrade(url, "0017")
        engine = create_engine(sync_url(url))
        try:
            tenant = uuid.uuid4()
            tenants = sa.table("tenants", sa.column("id", sa.Uuid), sa.column("name"),
                               sa.column("created_at", sa.DateTime(timezone=True)))
            with engine.begin() as conn:
                conn.execute(sa.insert(tenants).values(id=tenant, name="isp",
                                                       created_at=datetime.now(UTC)))
                conn.execute(sa.insert(Alarm), [
                    _alarm_row(tenant, "closed"), _alarm_row(tenant, "closed"),
                    _alarm_row(tenant, "cleared")])
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(sa.insert(Alarm), [_alarm_row(tenant, "raised")])
            columns = {c["name"] for c in inspect(engine).get_columns("agent_health")}
            assert {"events_received", "events_dropped"} <= columns
        finally:
            engine.dispose()
        migrations.downgrade(url, "0016")
        engine = create_engine(sync_url(url))
        try:
            assert "alarms" not in inspect(engine).get_table_names()
            columns = {c["name"] for c in inspect(engine).get_columns("agent_health")}
            assert not {"events_received", "events_dropped"} & columns
        finally:
            engine.dispose()
