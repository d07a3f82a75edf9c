"""No address or VLAN is allocated twice, also when two hub processes allocate at once.

Two app instances share one PostgreSQL database, as two hub processes do (each its own
engine and connection pool). Each fires 50 allocations into the same pool at the same
moment; the pool has fewer free slots than requests, so the race also runs into
exhaustion. The pool row lock makes allocators take turns; the partial unique index on
(pool_id, slot) refuses a second holder even from a writer that skipped the lock.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hub.db import create_engine, session_factory
from tests.hub.harness import Account, Hub, hub_settings, running_hub, scalar
from tests.hub.ipam.support import pool, site, subscription, subscriptions

EACH = 50  # requests per hub process
SLOTS = 62  # a /26: fewer free slots than the 100 requests


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def other(pg_url: str, hub: Hub) -> AsyncIterator[Hub]:
    """A second hub process on the same database (same signing secret: same tokens)."""
    async with running_hub(hub_settings(pg_url), migrate=False) as running:
        yield running


async def _race(hub: Hub, other: Hub, owner: Account, path: str) -> list[httpx.Response]:
    """EACH requests through each process at once, one subscription each."""
    subs = await subscriptions(hub, owner, 2 * EACH)
    calls = [app.client.post(path, json={"subscription_id": subs[2 * n + side]},
                             headers=owner.headers)
             for n in range(EACH) for side, app in enumerate((hub, other))]
    return list(await asyncio.gather(*calls))


def _split(answers: list[httpx.Response]) -> tuple[list[dict[str, Any]], list[str]]:
    made = [r.json() for r in answers if r.status_code == 201]
    refused = [r.json()["detail"] for r in answers if r.status_code != 201]
    assert all(r.status_code in (201, 409) for r in answers), [r.text for r in answers]
    return made, refused


async def test_two_processes_never_allocate_one_address_twice(hub: Hub, other: Hub) -> None:
    owner = await hub.new_tenant("ipam-race")
    made = await pool(hub, owner, "100.100.0.0/26")
    answers = await _race(hub, other, owner, f"/ipam/pools/{made['id']}/allocations")
    allocated, refused = _split(answers)
    addresses = [row["address"] for row in allocated]
    assert len(addresses) == len(set(addresses)) == SLOTS
    assert set(addresses) == {f"100.100.0.{n}" for n in range(1, 63)}
    assert len(refused) == 2 * EACH - SLOTS and all("exhausted" in d for d in refused)
    stored = await scalar(hub.settings, "SELECT count(DISTINCT slot) FROM ipam_allocations "
                          "WHERE pool_id = :p AND state = 'allocated'",
                          p=uuid.UUID(made["id"]))
    assert stored == SLOTS


async def test_two_processes_never_allocate_one_vlan_twice(hub: Hub, other: Hub) -> None:
    owner = await hub.new_tenant("ipam-vlan-race")
    made = await hub.post(owner, "/ipam/vlan-pools", {
        "site_id": await site(hub, owner), "name": "race", "kind": "qinq",
        "first_tag": 300, "last_tag": 301, "inner_first": 1, "inner_last": 31})
    answers = await _race(hub, other, owner, f"/ipam/vlan-pools/{made['id']}/allocations")
    allocated, refused = _split(answers)
    pairs = [(row["tag"], row["inner_tag"]) for row in allocated]
    assert len(pairs) == len(set(pairs)) == SLOTS
    assert len(refused) == 2 * EACH - SLOTS and all("exhausted" in d for d in refused)


async def test_the_database_refuses_a_second_holder_of_a_slot(hub: Hub) -> None:
    """The guarantee does not rest on the lock alone: a second live row on a slot (as a
    writer that skipped the lock would insert) is refused by the partial unique index, and
    a released row does not block its slot."""
    owner = await hub.new_tenant("ipam-index")
    made = await pool(hub, owner, "100.101.0.0/30")
    await hub.post(owner, f"/ipam/pools/{made['id']}/allocations",
                   {"subscription_id": await subscription(hub, owner)})
    insert = text("INSERT INTO ipam_allocations (id, tenant_id, created_at, pool_id, slot, "
                  "address, state, note) VALUES (:id, :t, now(), :p, 0, '100.101.0.1', :s, "
                  "'')")
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            values = {"t": owner.tenant_id, "p": uuid.UUID(made["id"])}
            await session.execute(insert, {"id": uuid.uuid4(), "s": "released", **values})
            with pytest.raises(IntegrityError, match="uq_ipam_allocations_slot"):
                await session.execute(insert, {"id": uuid.uuid4(), "s": "allocated",
                                               **values})
            await session.rollback()
    finally:
        await engine.dispose()


async def test_overlapping_prefixes_created_at_once_by_two_processes(hub: Hub,
                                                                     other: Hub) -> None:
    """The overlap check reads, then inserts: two processes creating overlapping prefixes
    at the same moment take turns, so exactly one of each overlapping set is stored."""
    owner = await hub.new_tenant("ipam-prefix-race")
    where = await site(hub, owner)
    # Every two of these overlap (all hold 10.50.0.128): one prefix in all may be stored.
    blocks = ["10.50.0.0/16", "10.50.0.0/17", "10.50.0.0/24", "10.50.0.128/25"] * 5
    calls = [app.client.post("/ipam/prefixes", json={"site_id": where, "prefix": block},
                             headers=owner.headers)
             for block in blocks for app in (hub, other)]
    answers = await asyncio.gather(*calls)
    assert sorted(r.status_code for r in answers) == [201] + [409] * (len(calls) - 1), [
        r.text[:300] for r in answers if r.status_code != 409]
    assert all("overlaps" in r.json()["detail"] or "already exists" in r.json()["detail"]
               for r in answers if r.status_code == 409)
    stored = await scalar(hub.settings, "SELECT count(*) FROM ipam_prefixes WHERE "
                          "tenant_id = :t", t=owner.tenant_id)
    assert stored == 1
