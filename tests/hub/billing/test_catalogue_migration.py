"""Migration 0021 on both backends: existing plans become version 1 of their own family,
existing customers get an empty phone; the downgrade drops the columns again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hub import migrations
from hub.db import sync_url
from tests.hub.harness import create_database, drop_database
from tests.services.postgres import Postgres

_TYPES: dict[str, Any] = {"id": sa.Uuid(), "tenant_id": sa.Uuid(),
                          "created_at": sa.DateTime(timezone=True), "contacts": sa.JSON()}


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, _TYPES.get(c)) for c in ("id", "created_at",
                                                                 *columns)))


def _books_at_0020(url: str) -> dict[str, uuid.UUID]:
    ids = {k: uuid.uuid4() for k in ("tenant", "plan", "customer")}
    now = datetime.now(UTC)
    common = {"tenant_id": ids["tenant"], "created_at": now}
    engine = sa.create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.execute(_table("tenants", "name").insert(), [{
            "id": ids["tenant"], "created_at": now, "name": f"mig-{ids['tenant']}"}])
        conn.execute(_table("billing_plans", "tenant_id", "name", "currency", "down_kbps",
                            "up_kbps", "price_minor", "period", "setup_fee_minor",
                            "minimum_term_periods", "usage_kind").insert(), [{
            **common, "id": ids["plan"], "name": "Fibre", "currency": "EUR", "down_kbps": 1,
            "up_kbps": 1, "price_minor": 3000, "period": "month", "setup_fee_minor": 0,
            "minimum_term_periods": 0, "usage_kind": "none"}])
        conn.execute(_table("billing_customers", "tenant_id", "name", "email", "contacts",
                            "service_address", "currency").insert(), [{
            **common, "id": ids["customer"], "name": "Ada", "email": "", "contacts": [],
            "service_address": "", "currency": "EUR"}])
    engine.dispose()
    return ids


def _read(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(sync_url(url))
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(sql))]
    engine.dispose()
    return rows


def _columns(url: str, table: str) -> set[str]:
    engine = sa.create_engine(sync_url(url))
    found = {c["name"] for c in sa.inspect(engine).get_columns(table)}
    engine.dispose()
    return found


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_0021_makes_existing_plans_version_one_and_downgrades(backend: str, postgres: Postgres,
                                                              tmp_path: Path) -> None:
    name = create_database(postgres.admin_dsn, "hub_cat") if backend == "postgresql" else ""
    url = (f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
           if name else f"sqlite+aiosqlite:///{tmp_path / 'catalogue.sqlite3'}")
    try:
        migrations.upgrade(url, "0020")
        ids = _books_at_0020(url)
        migrations.upgrade(url, "0021")
        (plan_id, family, version, description, effective, archived), = _read(
            url, "SELECT id, family_id, version, description, effective_from, archived_at "
            "FROM billing_plans")
        assert uuid.UUID(str(family)) == uuid.UUID(str(plan_id)) == ids["plan"]
        assert (version, description, effective, archived) == (1, "", None, None)
        assert _read(url, "SELECT phone, account_number, archived_at FROM "
                          "billing_customers") == [("", None, None)]
        migrations.downgrade(url, "0020")
        assert not {"family_id", "version", "archived_at"} & _columns(url, "billing_plans")
        assert not {"phone", "account_number"} & _columns(url, "billing_customers")
        assert "archived_at" not in _columns(url, "billing_tax_rates")
        migrations.upgrade(url, "0021")
        assert _read(url, "SELECT version FROM billing_plans") == [(1,)]
    finally:
        if name:
            drop_database(postgres.admin_dsn, name)
