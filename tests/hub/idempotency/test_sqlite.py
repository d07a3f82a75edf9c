"""The same Idempotency-Key rules on the embedded SQLite database (one hub process)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from hub.api.idempotency import purge_expired
from hub.db import utcnow
from tests.hub.harness import Hub, hub_settings, running_hub
from tests.hub.idempotency.support import customers_named, keyed_post, new_key, record_of, rows

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_hub(tmp_path: Path) -> AsyncIterator[Hub]:
    """A hub on a fresh SQLite file, migrated on start as the embedded default does."""
    settings = hub_settings(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
                            auto_migrate=None)
    async with running_hub(settings, migrate=False) as hub:
        yield hub


async def test_replay_mismatch_concurrency_and_purge_on_sqlite(sqlite_hub: Hub) -> None:
    hub = sqlite_hub
    owner = await hub.new_tenant("lite")
    key, body = new_key(), {"name": f"lite-{uuid.uuid4().hex[:8]}", "currency": "EUR"}
    answers = await asyncio.gather(*(keyed_post(hub, owner, "/billing/customers", body, key)
                                     for _ in range(3)))
    assert [a.status_code for a in answers] == [201] * 3, [a.text for a in answers]
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 2
    assert len({a.content for a in answers}) == 1
    other = await keyed_post(hub, owner, "/billing/customers", {**body, "name": "x"}, key)
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    assert await customers_named(hub, body["name"]) == 1
    await rows(hub, "UPDATE idempotency_keys SET created_at = :at",
               at=utcnow() - timedelta(hours=25))
    async with hub.app.state.sessions() as session:
        assert await purge_expired(session, utcnow()) == 1
    assert await record_of(hub, key) is None
