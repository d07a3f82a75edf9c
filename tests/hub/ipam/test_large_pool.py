"""The next free address of a /16 is found by the database, not by listing the pool: one
anti-join over the pool's held slots (docs/ipam.md, "Allocation")."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import text

from hub.db import create_engine, session_factory
from tests.hub.harness import Hub
from tests.hub.ipam.support import pool, subscriptions

FILLED = 60_000


async def test_next_free_address_of_a_nearly_full_slash_16(hub: Hub) -> None:
    owner = await hub.new_tenant("ipam-big")
    made = await pool(hub, owner, "10.200.0.0/16")
    assert made["size"] == 65_534
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            # Slots 0..FILLED-1 taken, except 40000 (quarantine over: released).
            await session.execute(text(
                "INSERT INTO ipam_allocations (id, tenant_id, created_at, pool_id, slot, "
                "address, state, note, subscription_id) SELECT gen_random_uuid(), :t, now(), "
                ":p, n, 'x', CASE WHEN n = 40000 THEN 'released' ELSE 'allocated' END, '', "
                "gen_random_uuid() FROM generate_series(0, :last) AS n"),
                {"t": owner.tenant_id, "p": uuid.UUID(made["id"]), "last": FILLED - 1})
            await session.commit()
    finally:
        await engine.dispose()
    path = f"/ipam/pools/{made['id']}/allocations"
    subs = await subscriptions(hub, owner, 2)
    started = time.monotonic()
    first = await hub.post(owner, path, {"subscription_id": subs[0]})
    second = await hub.post(owner, path, {"subscription_id": subs[1]})
    assert (first["address"], second["address"]) == ("10.200.156.65", "10.200.234.97")
    assert time.monotonic() - started < 5.0  # generous: a shared 2-core machine
