"""Smoke subset on the embedded SQLite database: migrations on start, auth, CRUD, isolation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from hub import migrations
from tests.hub.harness import Hub, hub_settings, one_window, running_hub


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_hub(tmp_path: Path) -> AsyncIterator[Hub]:
    settings = hub_settings(f"sqlite+aiosqlite:///{tmp_path / 'state' / 'hub.sqlite3'}",
                            auto_migrate=None, rate_limit_principal=50)
    async with running_hub(settings, migrate=False) as hub:  # development mode migrates
        yield hub


async def test_embedded_database_serves_the_core_flows(sqlite_hub: Hub) -> None:
    hub = sqlite_hub
    assert migrations.current(hub.settings.database_url) == migrations.head()
    owner = await hub.new_tenant("lite")
    site = await hub.post(owner, "/sites", {"name": "lite-pop"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"], "name": "lite-agent"})
    device = await hub.post(owner, "/devices", {
        "site_id": site["id"], "agent_id": agent["id"], "name": "lite-sw",
        "management_address": "203.0.113.4", "profile": "ubiquiti_airos"})
    assert device["created_at"].endswith("Z")  # timezone survives SQLite
    stranger = await hub.new_tenant("lite-other")
    assert (await hub.client.get(f"/devices/{device['id']}",
                                 headers=stranger.headers)).status_code == 404
    rotated = await hub.client.post("/auth/refresh", json={"refresh_token": owner.refresh})
    assert rotated.status_code == 200
    replay = await hub.client.post("/auth/refresh", json={"refresh_token": owner.refresh})
    assert replay.status_code == 401
    assert (await hub.client.get("/sites", headers=owner.headers)).status_code == 401
    await one_window()  # the 50 requests below count in one rate window
    fresh = await hub.login(owner.email)
    codes = [(await hub.client.get("/sites", headers=fresh.headers)).status_code
             for _ in range(50)]
    assert codes[-1] == 429 and codes[0] == 200  # the counter upsert works on SQLite too
    assert (await hub.client.get("/readyz")).json()["database"] == "ok"
