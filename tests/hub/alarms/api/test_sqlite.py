"""The alarm API on the embedded SQLite database (the demo's default): filters (the customer
filter reads the JSON impacts as text), actions with who, the site binding."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from tests.hub.alarms.api.conftest import new_desk
from tests.hub.alarms.api.support import n, raise_alarm, store_event
from tests.hub.harness import Hub, hub_settings, running_hub


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_hub(tmp_path: Path) -> AsyncIterator[Hub]:
    """A hub on a fresh SQLite file, migrated on start as in development mode."""
    settings = hub_settings(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
                            auto_migrate=None)
    async with running_hub(settings, migrate=False) as hub:
        yield hub


async def test_alarm_desk_works_on_sqlite(sqlite_hub: Hub) -> None:
    hub = sqlite_hub
    desk = await new_desk(hub, "lite")
    owner, tid = desk.owner, desk.owner.tenant_id
    customer = await hub.post(owner, "/billing/customers", {"name": f"c-{n()}",
                                                            "currency": "EUR"})
    plan = await hub.post(owner, "/billing/plans", {"name": f"p-{n()}", "currency": "EUR",
                                                    "down_kbps": 1000, "up_kbps": 1000,
                                                    "price_minor": 100})
    await hub.post(owner, "/billing/subscriptions", {
        "customer_id": customer["id"], "plan_id": plan["id"],
        "device_id": str(desk.a.device_id), "if_index": 2})
    in_a = str(await raise_alarm(hub, tid, desk.a, if_index=2))
    in_b = str(await raise_alarm(hub, tid, desk.b, if_index=2))
    event = str(await store_event(hub, tid, desk.b))

    def ids(resp: httpx.Response) -> list[str]:
        return [row["id"] for row in resp.json()["data"]]

    noc, tech = desk.noc.headers, desk.field_tech.headers
    assert ids(await hub.client.get("/alarms", headers=noc)) == [in_b, in_a]
    assert ids(await hub.client.get("/alarms", params={"customer_id": customer["id"]},
                                    headers=noc)) == [in_a]
    assert ids(await hub.client.get("/alarms", headers=tech)) == [in_a]
    assert (await hub.client.get(f"/alarms/{in_b}", headers=tech)).status_code == 404
    acked = await hub.client.post(f"/alarms/{in_a}/ack", json={"text": "mine"}, headers=tech)
    assert acked.status_code == 200, acked.text
    assert acked.json()["history"][-1]["actor"] == desk.field_tech.email
    assert ids(await hub.client.get("/device-events", headers=noc)) == [event]
    assert ids(await hub.client.get("/device-events", headers=tech)) == []
    policy = await hub.client.post("/notification-policies", json={
        "name": "lite", "site_ids": [str(desk.a.site_id)], "timezone": "Asia/Kolkata"},
        headers=noc)
    assert policy.status_code == 201 and policy.json()["site_ids"] == [str(desk.a.site_id)]
