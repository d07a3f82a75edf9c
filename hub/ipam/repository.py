"""Every query of IPAM (tenant filter inherited from the base classes, or explicit).

The free-slot search finds the first gap in a pool's held slots with one anti-join over the
partial unique index (pool_id, slot): no address list is built, whatever the pool's size.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal_column, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.inventory.models import Site
from hub.ipam.models import (
    ALLOCATED,
    QUARANTINED,
    RELEASED,
    IpAllocation,
    IpPool,
    IpPrefix,
    VlanAllocation,
    VlanPool,
)
from hub.pagination import PageParams
from hub.repository import RowPage, TenantScopedRepository, TenantScopedRows

SlotModel = type[IpAllocation] | type[VlanAllocation]
# A literal, not a bound parameter, so PostgreSQL matches the partial index's predicate.
_RELEASED: ColumnElement[str] = literal_column("'released'")


# pg_advisory_xact_lock(PREFIX_LOCK_SPACE, n): "IPAM"; n = the tenant id's last 4 bytes (the
# random part: the first ones of a time-ordered id are its creation time). The two-key form
# never collides with ingest's one-key locks or the alarms' "ALRM" space.
PREFIX_LOCK_SPACE = 0x4950414D


class PrefixRepository(TenantScopedRepository[IpPrefix]):
    """Prefixes of one tenant."""

    model = IpPrefix
    noun = "prefix"

    async def take_turns(self) -> None:
        """Prefix creations of this tenant wait for each other until the transaction ends:
        the overlap check reads, then inserts, and two overlapping creations at once must
        not both pass it. PostgreSQL: a transaction advisory lock per tenant; SQLite's
        BEGIN IMMEDIATE already serialises every writer."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        key = int.from_bytes(self.tenant_id.bytes[-4:], "big", signed=True)
        await self.session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                                   {"space": PREFIX_LOCK_SPACE, "key": key})

    async def overlapping(self, family: int, first_key: str, last_key: str) -> IpPrefix | None:
        """A prefix of this tenant sharing any address with first..last, if one exists."""
        query = self.select().where(IpPrefix.family == family, IpPrefix.first_key <= last_key,
                                    IpPrefix.last_key >= first_key).limit(1)
        row: IpPrefix | None = (await self.session.execute(query)).scalars().first()
        return row

    async def locked(self, prefix_id: uuid.UUID) -> IpPrefix:
        """The prefix, its row locked until the transaction ends (pool creations of one
        prefix take turns)."""
        query = self.select().where(IpPrefix.id == prefix_id).with_for_update()
        row = (await self.session.execute(query)).scalar_one_or_none()
        return row if row is not None else await self.get(prefix_id)

    async def pool_count(self, prefix_id: uuid.UUID) -> int:
        """Pools cut from this prefix."""
        query = select(func.count()).where(IpPool.tenant_id == self.tenant_id,
                                           IpPool.prefix_id == prefix_id)
        return int((await self.session.execute(query)).scalar_one())


async def site_exists(session: AsyncSession, tenant_id: uuid.UUID, site_id: uuid.UUID) -> bool:
    """Whether the site is one of this tenant's."""
    query = select(Site.id).where(Site.tenant_id == tenant_id, Site.id == site_id)
    return (await session.execute(query)).first() is not None


class PoolRepository(TenantScopedRepository[IpPool]):
    """Address pools of one tenant."""

    model = IpPool
    noun = "pool"

    async def locked(self, pool_id: uuid.UUID) -> IpPool:
        """The pool, its row locked until the transaction ends: allocators of one pool take
        turns (SQLite: the write lock of BEGIN IMMEDIATE does the same)."""
        query = self.select().where(IpPool.id == pool_id).with_for_update()
        row = (await self.session.execute(query)).scalar_one_or_none()
        return row if row is not None else await self.get(pool_id)

    async def of_prefix(self, prefix_id: uuid.UUID) -> list[IpPool]:
        """The pools cut from a prefix."""
        query = self.select().where(IpPool.prefix_id == prefix_id)
        return list((await self.session.execute(query)).scalars())


class VlanPoolRepository(TenantScopedRepository[VlanPool]):
    """VLAN pools of one tenant."""

    model = VlanPool
    noun = "VLAN pool"

    async def locked(self, pool_id: uuid.UUID) -> VlanPool:
        """The pool, its row locked until the transaction ends (see PoolRepository)."""
        query = self.select().where(VlanPool.id == pool_id).with_for_update()
        row = (await self.session.execute(query)).scalar_one_or_none()
        return row if row is not None else await self.get(pool_id)


class AllocationRepository(TenantScopedRepository[IpAllocation]):
    """Address allocations of one tenant."""

    model = IpAllocation
    noun = "allocation"


class VlanAllocationRepository(TenantScopedRepository[VlanAllocation]):
    """VLAN allocations of one tenant."""

    model = VlanAllocation
    noun = "VLAN allocation"


async def first_free_slot(session: AsyncSession, model: SlotModel, pool_id: uuid.UUID,
                          size: int) -> int | None:
    """The lowest slot of the pool no row holds, or None when the pool is full.

    Slot 0 when free; otherwise the lowest held slot whose successor is free (one anti-join
    on the (pool_id, slot) index: the gap is found without listing the pool)."""
    held, after = aliased(model), aliased(model)
    zero = select(held.id).where(held.pool_id == pool_id, held.state != _RELEASED,
                                 held.slot == 0)
    if size > 0 and (await session.execute(zero)).first() is None:
        return 0
    successor = exists().where(after.pool_id == pool_id, after.state != _RELEASED,
                               after.slot == held.slot + 1)
    gap = select(func.min(held.slot + 1)).where(
        held.pool_id == pool_id, held.state != _RELEASED, held.slot + 1 < size, ~successor)
    found = (await session.execute(gap)).scalar_one_or_none()
    return None if found is None else int(found)


async def slot_holder(session: AsyncSession, model: SlotModel, pool_id: uuid.UUID,
                      slot: int) -> Any:
    """The row holding this slot of the pool (allocated, reserved, quarantined), or None."""
    query = select(model).where(model.pool_id == pool_id, model.state != _RELEASED,
                                model.slot == slot)
    return (await session.execute(query)).scalars().first()


async def bound_row(session: AsyncSession, model: SlotModel, pool_id: uuid.UUID,
                    subscription_id: uuid.UUID) -> Any:
    """The subscription's allocated row in the pool, or None."""
    query = select(model).where(model.pool_id == pool_id, model.state == ALLOCATED,
                                model.subscription_id == subscription_id)
    return (await session.execute(query)).scalars().first()


async def end_quarantine(session: AsyncSession, tenant_id: uuid.UUID, now: datetime,
                         pool_id: uuid.UUID | None = None) -> int:
    """Quarantined allocations whose time ran out become released (their slot free)."""
    query = (update(IpAllocation)
             .where(IpAllocation.tenant_id == tenant_id, IpAllocation.state == QUARANTINED,
                    IpAllocation.quarantine_until <= now)
             .values(state=RELEASED))
    if pool_id is not None:
        query = query.where(IpAllocation.pool_id == pool_id)
    result: Any = await session.execute(query.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


async def subscription_addresses(session: AsyncSession, tenant_id: uuid.UUID,
                                 subscription_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """(family, kind, pool name, address) of the subscription's allocated addresses."""
    query = (select(IpPool.family, IpPool.kind, IpPool.name, IpAllocation.address)
             .join(IpPool, IpPool.id == IpAllocation.pool_id)
             .where(IpAllocation.tenant_id == tenant_id,
                    IpAllocation.subscription_id == subscription_id,
                    IpAllocation.state == ALLOCATED)
             .order_by(IpAllocation.id))
    return [tuple(row) for row in (await session.execute(query)).all()]


async def subscription_vlans(session: AsyncSession, tenant_id: uuid.UUID,
                             subscription_id: uuid.UUID) -> list[tuple[str, int, int | None]]:
    """(pool kind, tag, inner tag) of the subscription's allocated VLANs."""
    query = (select(VlanPool.kind, VlanAllocation.tag, VlanAllocation.inner_tag)
             .join(VlanPool, VlanPool.id == VlanAllocation.pool_id)
             .where(VlanAllocation.tenant_id == tenant_id,
                    VlanAllocation.subscription_id == subscription_id,
                    VlanAllocation.state == ALLOCATED)
             .order_by(VlanAllocation.id))
    return [(row[0], int(row[1]), row[2]) for row in (await session.execute(query)).all()]


async def bound_rows(session: AsyncSession, model: SlotModel, tenant_id: uuid.UUID,
                     subscription_id: uuid.UUID) -> Sequence[Any]:
    """Every allocated row of the subscription (to release them)."""
    query = select(model).where(model.tenant_id == tenant_id, model.state == ALLOCATED,
                                model.subscription_id == subscription_id)
    return list((await session.execute(query)).scalars())


async def state_counts(session: AsyncSession, model: SlotModel, tenant_id: uuid.UUID | None,
                       pool_id: uuid.UUID | None = None) -> dict[uuid.UUID, dict[str, int]]:
    """pool id -> state -> rows holding a slot (or bound, dynamic pools), one tenant or all."""
    query = (select(model.pool_id, model.state, func.count())
             .where(model.state != _RELEASED).group_by(model.pool_id, model.state))
    if tenant_id is not None:
        query = query.where(model.tenant_id == tenant_id)
    if pool_id is not None:
        query = query.where(model.pool_id == pool_id)
    counts: dict[uuid.UUID, dict[str, int]] = {}
    for pool, state, count in (await session.execute(query)).all():
        counts.setdefault(pool, {})[state] = int(count)
    return counts


async def pools(session: AsyncSession, tenant_id: uuid.UUID | None,
                pool_id: uuid.UUID | None = None) -> list[tuple[str, IpPool]]:
    """(site name, pool) of one tenant's address pools, or every tenant's."""
    query = (select(Site.name, IpPool).join(Site, Site.id == IpPool.site_id)
             .order_by(IpPool.tenant_id, Site.name, IpPool.name))
    if tenant_id is not None:
        query = query.where(IpPool.tenant_id == tenant_id)
    if pool_id is not None:
        query = query.where(IpPool.id == pool_id)
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def vlan_pools(session: AsyncSession, tenant_id: uuid.UUID | None,
                     pool_id: uuid.UUID | None = None) -> list[tuple[str, VlanPool]]:
    """(site name, pool) of one tenant's VLAN pools, or every tenant's."""
    query = (select(Site.name, VlanPool).join(Site, Site.id == VlanPool.site_id)
             .order_by(VlanPool.tenant_id, Site.name, VlanPool.name))
    if tenant_id is not None:
        query = query.where(VlanPool.tenant_id == tenant_id)
    if pool_id is not None:
        query = query.where(VlanPool.id == pool_id)
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


class PrefixRows(TenantScopedRows[IpPrefix]):
    """Prefix lists of one tenant (read-only)."""

    model = IpPrefix

    async def list(self, params: PageParams, site_id: uuid.UUID | None) -> RowPage:
        """A page of prefixes, optionally of one site."""
        return await self.page_rows(params, site_id=site_id)


class PoolRows(TenantScopedRows[IpPool]):
    """Pool lists of one tenant (read-only)."""

    model = IpPool

    async def list(self, params: PageParams, site_id: uuid.UUID | None,
                   prefix_id: uuid.UUID | None) -> RowPage:
        """A page of pools, optionally of one site and/or prefix."""
        return await self.page_rows(params, site_id=site_id, prefix_id=prefix_id)


class AllocationRows(TenantScopedRows[IpAllocation]):
    """Allocation lists of one tenant (read-only, released history included)."""

    model = IpAllocation

    async def list(self, params: PageParams, pool_id: uuid.UUID | None,
                   subscription_id: uuid.UUID | None) -> RowPage:
        """A page of allocations, optionally of one pool and/or subscription."""
        return await self.page_rows(params, pool_id=pool_id, subscription_id=subscription_id)


class VlanPoolRows(TenantScopedRows[VlanPool]):
    """VLAN pool lists of one tenant (read-only)."""

    model = VlanPool

    async def list(self, params: PageParams, site_id: uuid.UUID | None) -> RowPage:
        """A page of VLAN pools, optionally of one site."""
        return await self.page_rows(params, site_id=site_id)


class VlanAllocationRows(TenantScopedRows[VlanAllocation]):
    """VLAN allocation lists of one tenant (read-only, released history included)."""

    model = VlanAllocation

    async def list(self, params: PageParams, pool_id: uuid.UUID | None,
                   subscription_id: uuid.UUID | None) -> RowPage:
        """A page of VLAN allocations, optionally of one pool and/or subscription."""
        return await self.page_rows(params, pool_id=pool_id, subscription_id=subscription_id)
