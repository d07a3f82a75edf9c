"""Migration 0025 on both backends: existing gb plans keep billing overage (`cap_action`
overage), other plans get `none`; subscriptions start with no cap throttle; the downgrade
drops the columns again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub import migrations
from hub.db import sync_url
from tests.hub.billing.test_catalogue_migration import _columns, _read, _table
from tests.hub.harness import create_database, drop_database
from tests.services.postgres import Postgres

_PLAN = ("tenant_id", "name", "currency", "down_kbps", "up_kbps", "price_minor", "period",
         "setup_fee_minor", "minimum_term_periods", "usage_kind", "gb_cap", "overage_per_gb")


def _plans_at_0024(url: str) -> dict[str, uuid.UUID]:
    """A tenant with a flat plan and a gb plan (cap 100 GB, 0.50 a GB)."""
    ids = {"tenant": uuid.uuid4(), "flat": uuid.uuid4(), "gb": uuid.uuid4()}
    now = datetime.now(UTC)
    plan = {"tenant_id": ids["tenant"], "created_at": now, "currency": "EUR", "down_kbps": 1,
            "up_kbps": 1, "price_minor": 3000, "period": "month", "setup_fee_minor": 0,
            "minimum_term_periods": 0}
    engine = sa.create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.execute(_table("tenants", "name").insert(), [{
            "id": ids["tenant"], "created_at": now, "name": f"mig-{ids['tenant']}"}])
        conn.execute(_table("billing_plans", *_PLAN).insert(), [
            {**plan, "id": ids["flat"], "name": "Flat", "usage_kind": "none", "gb_cap": None,
             "overage_per_gb": None},
            {**plan, "id": ids["gb"], "name": "Capped", "usage_kind": "gb", "gb_cap": 100,
             "overage_per_gb": 0.5}])
    engine.dispose()
    return ids


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_0025_keeps_gb_plans_on_overage_and_downgrades(backend: str, postgres: Postgres,
                                                       tmp_path: Path) -> None:
    name = create_database(postgres.admin_dsn, "hub_caps") if backend == "postgresql" else ""
    url = (f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
           if name else f"sqlite+aiosqlite:///{tmp_path / 'caps.sqlite3'}")
    try:
        migrations.upgrade(url, "0024")
        _plans_at_0024(url)
        migrations.upgrade(url, "0025")
        assert _read(url, "SELECT name, cap_action, cap_throttle_down_kbps, "
                          "cap_throttle_up_kbps FROM billing_plans ORDER BY name") == [
            ("Capped", "overage", None, None), ("Flat", "none", None, None)]
        assert {"cap_throttled_since", "cap_throttled_period", "cap_plan_event_id"} <= (
            _columns(url, "billing_subscriptions"))
        migrations.downgrade(url, "0024")
        assert not {"cap_action", "cap_throttle_down_kbps"} & _columns(url, "billing_plans")
        assert "cap_throttled_period" not in _columns(url, "billing_subscriptions")
        migrations.upgrade(url, "0025")
        assert _read(url, "SELECT cap_action FROM billing_plans ORDER BY name") == [
            ("overage",), ("none",)]
    finally:
        if name:
            drop_database(postgres.admin_dsn, name)
