"""ipam.pool_full: an address pool filling past its threshold raises one alarm per pool; it
clears only once the pool is below the threshold by the margin (no flapping at the edge)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from hub.alarms.service import dedupe_key
from hub.db import utcnow
from hub.ipam.pools import AllocationService, PoolService, PrefixService
from hub.ipam.schemas import PoolCreate, PrefixCreate, ReservationCreate
from hub.principal import Principal
from tests.hub.alarms.conftest import World
from tests.hub.alarms.evaluator.conftest import Sessions, alarms, evaluate, only

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _noc(world: World) -> Principal:
    return Principal("user", uuid.uuid4(), world.tenant_id, frozenset({"ipam:write"}))


async def _pool(sessions: Sessions, world: World) -> uuid.UUID:
    """A /28 static pool at the world's site: 14 usable addresses."""
    async with sessions() as session:
        prefix = await PrefixService(session, _noc(world)).create(PrefixCreate(
            site_id=world.site_id, prefix="100.64.20.0/28", description="test"))
        pool = await PoolService(session, _noc(world)).create(PoolCreate(
            prefix_id=prefix.id, name="cgnat-a"))
        await session.commit()
        return pool.id


async def _reserve(sessions: Sessions, world: World, pool_id: uuid.UUID,
                   hosts: range) -> list[uuid.UUID]:
    async with sessions() as session:
        service = AllocationService(session, _noc(world))
        made = [(await service.reserve(pool_id, ReservationCreate(
            address=f"100.64.20.{host}", note="test fill"))).id for host in hosts]
        await session.commit()
        return made


async def _release(sessions: Sessions, world: World, ids: list[uuid.UUID]) -> None:
    async with sessions() as session:
        service = AllocationService(session, _noc(world))
        for allocation_id in ids:
            await service.release(allocation_id)
        await session.commit()


async def test_a_filling_pool_raises_once_and_clears_below_the_margin(
        sessions: Sessions, world: World) -> None:
    pool_id = await _pool(sessions, world)
    t0 = utcnow()
    first = await _reserve(sessions, world, pool_id, range(2, 12))  # 10 of 14: 71 %
    await evaluate(sessions, world.tenant_id, t0)
    assert await alarms(sessions, world.tenant_id, "ipam.pool_full") == []
    more = await _reserve(sessions, world, pool_id, range(12, 15))  # 13 of 14: 93 %
    await evaluate(sessions, world.tenant_id, t0 + timedelta(minutes=1))
    alarm = await only(sessions, world.tenant_id, "ipam.pool_full")
    assert alarm.dedupe_key == dedupe_key("ipam.pool_full", pool_id)
    assert alarm.severity == "warning" and alarm.details["pool"] == "cgnat-a"
    assert alarm.details["percent"] >= 90 and "cgnat-a" in alarm.subject
    # one address back (12 of 14: 86 %): under 90 % but not under 85 %: it stays open
    await _release(sessions, world, more[-1:])
    await evaluate(sessions, world.tenant_id, t0 + timedelta(minutes=2))
    assert (await only(sessions, world.tenant_id, "ipam.pool_full")).state != "cleared"
    # well below the margin (6 of 14): cleared
    await _release(sessions, world, first[:6])
    await evaluate(sessions, world.tenant_id, t0 + timedelta(minutes=3))
    (cleared,) = await alarms(sessions, world.tenant_id, "ipam.pool_full", state="cleared")
    assert cleared.id == alarm.id
