"""Helpers of the idempotency tests: keyed POSTs and what the database holds for a key."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import text

from hub.db import create_engine
from tests.hub.harness import Account, Hub


def new_key() -> str:
    """A key no other test uses."""
    return f"key-{secrets.token_hex(8)}"


async def keyed_post(hub: Hub, account: Account, path: str, body: dict[str, Any] | None,
                     key: str) -> httpx.Response:
    """POST `body` as `account` with an Idempotency-Key."""
    return await hub.client.post(path, json=body,
                                 headers={**account.headers, "Idempotency-Key": key})


async def rows(hub: Hub, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of one statement run straight on the hub's database (none for a change)."""
    engine = create_engine(hub.settings.database_url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql), params)
            return [dict(r._mapping) for r in result] if result.returns_rows else []
    finally:
        await engine.dispose()


async def record_of(hub: Hub, key: str) -> dict[str, Any] | None:
    """The idempotency row of `key` (any caller), or None."""
    found = await rows(hub, "SELECT * FROM idempotency_keys WHERE key = :k", k=key)
    assert len(found) <= 1
    return found[0] if found else None


async def customers_named(hub: Hub, name: str) -> int:
    """How many billing customers carry this name (in every tenant)."""
    found = await rows(hub, "SELECT count(*) AS n FROM billing_customers WHERE name = :n",
                       n=name)
    return int(found[0]["n"])


async def until(check: Callable[[], Awaitable[bool]], what: str, within_s: float = 20) -> None:
    """Poll `check` until it holds; fail naming `what` after `within_s`."""
    deadline = time.monotonic() + within_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
