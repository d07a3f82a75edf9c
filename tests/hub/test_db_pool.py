"""Pooled database connections: reused without a ping while warm, replaced when the server
killed them (a restart or failover) before any request sees the dead one."""

from __future__ import annotations

import asyncio

import psycopg
from sqlalchemy.engine import make_url

from hub.db import PING_AFTER_IDLE_S
from tests.hub.harness import Hub, hub_settings, running_hub
from tests.services.postgres import Postgres

# Read-only (autocommit) sessions and ordinary ones.
PATHS = ("/devices", "/sites", "/agents", "/tenants/current", "/users")


def _kill_backends(postgres: Postgres, database: str) -> int:
    """Terminate every server process of `database`, as a PostgreSQL restart would."""
    with psycopg.connect(postgres.admin_dsn, autocommit=True) as conn:
        row = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()",
                           (database,)).fetchone()
    return int(row[0]) if row else 0


def _backend_pids(postgres: Postgres, database: str) -> set[int]:
    with psycopg.connect(postgres.admin_dsn, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                            "AND pid <> pg_backend_pid()", (database,)).fetchall()
    return {int(r[0]) for r in rows}


async def _all_ok(hub: Hub, headers: dict[str, str]) -> dict[str, int]:
    return {path: (await hub.client.get(path, headers=headers)).status_code for path in PATHS}


async def test_killed_connections_are_replaced_before_a_request_uses_them(
        pg_url: str, postgres: Postgres) -> None:
    database = str(make_url(pg_url).database)
    # No rate-limit sync in the background: it would meet the dead connection first and
    # make the pool reconnect, hiding what a request alone would see.
    async with running_hub(hub_settings(pg_url, rate_sync_interval=60)) as hub:
        owner = await hub.new_tenant("pool")
        assert set((await _all_ok(hub, owner.headers)).values()) == {200}
        assert _kill_backends(postgres, database) >= 1
        await asyncio.sleep(PING_AFTER_IDLE_S + 0.3)  # idle long enough to be checked
        assert await _all_ok(hub, owner.headers) == dict.fromkeys(PATHS, 200)


async def test_warm_connections_are_reused_not_reopened(hub: Hub, postgres: Postgres) -> None:
    database = str(make_url(hub.settings.database_url).database)
    owner = await hub.new_tenant("warm")
    await _all_ok(hub, owner.headers)
    before = _backend_pids(postgres, database)
    for _ in range(20):
        assert set((await _all_ok(hub, owner.headers)).values()) == {200}
    # 100 requests: reconnecting per request would show ~100 new server processes. The
    # hub's background tasks (rate-limit sync) may overlap a request now and then and make
    # the pool open one more connection, which it then keeps; that is the pool working.
    opened = _backend_pids(postgres, database) - before
    assert len(opened) <= 2, f"{len(opened)} new server processes for 100 requests"
