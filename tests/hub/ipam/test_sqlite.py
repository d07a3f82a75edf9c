"""IPAM on the embedded SQLite hub: the same allocation rules (BEGIN IMMEDIATE stands in for
the pool row lock; the partial unique indexes are SQLite's too)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from hub.db import utcnow
from hub.ipam.service import release_for_subscription, release_quarantined, subscriber_addresses
from tests.hub.harness import Hub, hub_settings, running_hub
from tests.hub.ipam.support import pool, site, subscription, subscriptions


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def lite(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Hub]:
    """A hub on a fresh SQLite file (the embedded default)."""
    folder: Path = tmp_path_factory.mktemp("ipam-sqlite")
    url = f"sqlite+aiosqlite:///{folder / 'hub.sqlite3'}"
    async with running_hub(hub_settings(url)) as running:
        yield running


async def test_allocation_cycle_on_sqlite(lite: Hub) -> None:
    owner = await lite.new_tenant("ipam-lite")
    made = await pool(lite, owner, "192.0.2.0/29", gateway="192.0.2.1")
    path = f"/ipam/pools/{made['id']}/allocations"
    await lite.post(owner, f"/ipam/pools/{made['id']}/reservations",
                    {"address": "192.0.2.3", "note": "cpe"})
    sub = await subscription(lite, owner)
    held = (await lite.post(owner, path, {"subscription_id": sub}))["address"]
    assert held == "192.0.2.2"
    calls = [lite.client.post(path, json={"subscription_id": other}, headers=owner.headers)
             for other in await subscriptions(lite, owner, 5)]
    answers = await asyncio.gather(*calls)
    given = sorted(r.json()["address"] for r in answers if r.status_code == 201)
    assert given == ["192.0.2.4", "192.0.2.5", "192.0.2.6"]  # .3 is reserved
    assert sorted(r.status_code for r in answers) == [201] * 3 + [409] * 2
    async with lite.app.state.sessions() as session:
        assert (await subscriber_addresses(session, owner.tenant_id, uuid.UUID(sub))).ipv4 == held
        assert await release_for_subscription(session, owner.tenant_id, uuid.UUID(sub),
                                              utcnow()) == 1
        await session.commit()
        later = utcnow() + timedelta(hours=25)
        assert await release_quarantined(session, owner.tenant_id, later) == 1
    again = await lite.post(owner, path, {"subscription_id": await subscription(lite, owner)})
    assert again["address"] == held


async def test_ipv6_and_qinq_on_sqlite(lite: Hub) -> None:
    owner = await lite.new_tenant("ipam-lite6")
    made = await pool(lite, owner, "2001:db8:f00::/40", kind="delegated", assign_length=48)
    got = await lite.post(owner, f"/ipam/pools/{made['id']}/allocations",
                          {"subscription_id": await subscription(lite, owner),
                           "address": "2001:db8:fff::"})
    assert (got["address"], got["slot"]) == ("2001:db8:fff::/48", 255)
    overlap = await lite.client.post("/ipam/prefixes", json={
        "site_id": made["site_id"], "prefix": "2001:db8:f80::/41"}, headers=owner.headers)
    assert overlap.status_code == 409
    qinq = await lite.post(owner, "/ipam/vlan-pools", {
        "site_id": await site(lite, owner), "name": "q", "kind": "qinq", "first_tag": 10,
        "last_tag": 11, "inner_first": 100, "inner_last": 101, "reserved": [10]})
    pair = await lite.post(owner, f"/ipam/vlan-pools/{qinq['id']}/allocations",
                           {"subscription_id": await subscription(lite, owner)})
    assert (pair["tag"], pair["inner_tag"]) == (11, 100)
