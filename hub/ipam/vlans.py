"""VLAN pools: single tags or QinQ S-VLAN x C-VLAN pairs, allocated to subscriptions.

Slots as in address pools: single tag t is slot t - first_tag; QinQ pair (s, c) is slot
(s - first_tag) * width + (c - inner_first), width the C-VLAN range's size, so the lowest
free slot fills one S-VLAN before the next. Reserved outer tags are rows in state
`reserved` (one per slot), so the free-slot search needs no exception list.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import new_id, utcnow
from hub.errors import ConflictError, InvalidReferenceError, InvalidRequestError
from hub.ipam import repository as rows
from hub.ipam.models import ALLOCATED, RELEASED, RESERVED, VlanAllocation, VlanPool
from hub.ipam.pools import AuditedUseCase
from hub.ipam.schemas import (
    Utilization,
    VlanAllocationCreate,
    VlanPoolCreate,
    VlanPoolUpdate,
)
from hub.ipam.service import PoolFill, check_subscription, utilization_of
from hub.principal import Principal
from hub.repository import commit_or_conflict

log = logging.getLogger("dotmac.hub.ipam")

MAX_RESERVED_SLOTS = 65_536  # reserved S-VLANs of a QinQ pool reserve every C-VLAN under them


def _width(pool: VlanPool) -> int:
    """C-VLANs per S-VLAN (1 for single-tag pools)."""
    if pool.kind == "single" or pool.inner_first is None or pool.inner_last is None:
        return 1
    return pool.inner_last - pool.inner_first + 1


def tags_of(pool: VlanPool, slot: int) -> tuple[int, int | None]:
    """(tag, inner tag) of a slot."""
    if pool.kind == "single" or pool.inner_first is None:
        return pool.first_tag + slot, None
    outer, inner = divmod(slot, _width(pool))
    return pool.first_tag + outer, pool.inner_first + inner


def slot_of(pool: VlanPool, tag: int, inner: int | None) -> int:
    """The slot of a tag (pair); outside the pool's ranges is a 422."""
    if not pool.first_tag <= tag <= pool.last_tag:
        raise InvalidRequestError(f"tag {tag}: outside {pool.first_tag}-{pool.last_tag}")
    if pool.kind == "single":
        if inner is not None:
            raise InvalidRequestError("inner_tag: a single-tag pool has no C-VLAN")
        return tag - pool.first_tag
    first, last = pool.inner_first or 0, pool.inner_last or 0
    if inner is None or not first <= inner <= last:
        raise InvalidRequestError(f"inner_tag {inner}: a QinQ pool needs a C-VLAN in "
                                  f"{first}-{last}")
    return (tag - pool.first_tag) * _width(pool) + inner - first


class VlanService(AuditedUseCase):
    """VLAN pools of one tenant and their allocations."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        super().__init__(session, principal)
        self.pools = rows.VlanPoolRepository(session, self.tenant_id)
        self.repo = rows.VlanAllocationRepository(session, self.tenant_id)

    async def create(self, body: VlanPoolCreate) -> VlanPool:
        """Add a VLAN pool; its reserved outer tags are never allocated."""
        if not await rows.site_exists(self.session, self.tenant_id, body.site_id):
            raise InvalidReferenceError(f"site_id {body.site_id}: no such site in this "
                                        "tenant")
        pool = VlanPool(id=new_id(), site_id=body.site_id, name=body.name, kind=body.kind,
                        first_tag=body.first_tag, last_tag=body.last_tag,
                        inner_first=body.inner_first, inner_last=body.inner_last,
                        reserved=sorted(set(body.reserved)), description=body.description)
        width = _width(pool)
        pool.size = (body.last_tag - body.first_tag + 1) * width
        if len(pool.reserved) * width > MAX_RESERVED_SLOTS:
            raise InvalidRequestError("reserved: too many S-VLANs reserved for this C-VLAN "
                                      "range; narrow first_tag..last_tag instead")
        self.pools.add(pool)
        await commit_or_conflict(self.session, f"VLAN pool {body.name}: the name is taken",
                                 flush_only=True)
        for tag in pool.reserved:
            first = slot_of(pool, tag, pool.inner_first)
            for slot in range(first, first + width):
                self.repo.add(VlanAllocation(pool_id=pool.id, slot=slot,
                                             tag=tag, inner_tag=tags_of(pool, slot)[1],
                                             state=RESERVED, note="reserved tag"))
        self.audit.record("ipam.vlan_pool_create", "ipam_vlan_pool", pool.id, name=pool.name,
                          kind=pool.kind, size=pool.size)
        await commit_or_conflict(self.session, f"VLAN pool {body.name}: the name is taken")
        return pool

    async def get(self, pool_id: uuid.UUID) -> VlanPool:
        """One VLAN pool."""
        return await self.pools.get(pool_id)

    async def update(self, pool_id: uuid.UUID, body: VlanPoolUpdate) -> VlanPool:
        """Rename a VLAN pool or change its description."""
        pool = await self.pools.get(pool_id)
        for field, value in body.model_dump(exclude_none=True).items():
            setattr(pool, field, value)
        await commit_or_conflict(self.session, f"VLAN pool {body.name}: the name is taken")
        return pool

    async def delete(self, pool_id: uuid.UUID) -> None:
        """Delete a VLAN pool without allocated tags (409 otherwise)."""
        pool = await self.pools.get(pool_id)
        counts = await rows.state_counts(self.session, VlanAllocation, self.tenant_id, pool_id)
        used = counts.get(pool_id, {}).get(ALLOCATED, 0)
        if used:
            raise ConflictError(f"VLAN pool {pool.name}: {used} tag(s) are allocated; "
                                "release them first")
        await self.pools.delete(pool)
        self.audit.record("ipam.vlan_pool_delete", "ipam_vlan_pool", pool.id, name=pool.name)
        await self.session.commit()

    async def allocate(self, pool_id: uuid.UUID, body: VlanAllocationCreate) -> VlanAllocation:
        """Bind the lowest free (or the given) tag of the pool to the subscription; the pool
        row is locked meanwhile and the (pool_id, slot) index refuses a second holder."""
        pool = await self.pools.locked(pool_id)
        await check_subscription(self.session, self.tenant_id, body.subscription_id)
        held = await rows.bound_row(self.session, VlanAllocation, pool.id,
                                    body.subscription_id)
        if held is not None:
            raise ConflictError(f"subscription {body.subscription_id}: already holds "
                                f"{_tags(held.tag, held.inner_tag)} in VLAN pool {pool.name}")
        slot = await self._slot(pool, body)
        tag, inner = tags_of(pool, slot)
        row = self.repo.add(VlanAllocation(
            id=new_id(), pool_id=pool.id, slot=slot, tag=tag, inner_tag=inner, state=ALLOCATED,
            subscription_id=body.subscription_id, note=body.note))
        self.audit.record("ipam.vlan_allocate", "ipam_vlan_allocation", row.id, pool=pool.name,
                          tag=_tags(tag, inner), subscription_id=str(body.subscription_id))
        await commit_or_conflict(self.session, f"VLAN pool {pool.name}: {_tags(tag, inner)} "
                                 "was taken at the same moment; retry")
        log.info("ipam.vlan_allocated tenant=%s pool=%s tag=%s", self.tenant_id, pool.name,
                 _tags(tag, inner))
        return row

    async def _slot(self, pool: VlanPool, body: VlanAllocationCreate) -> int:
        if body.tag is not None:
            slot = slot_of(pool, body.tag, body.inner_tag)
            holder = await rows.slot_holder(self.session, VlanAllocation, pool.id, slot)
            if holder is not None:
                raise ConflictError(f"VLAN {_tags(holder.tag, holder.inner_tag)}: already "
                                    f"{holder.state}")
            return slot
        found = await rows.first_free_slot(self.session, VlanAllocation, pool.id, pool.size)
        if found is None:
            raise ConflictError(f"VLAN pool {pool.name}: exhausted (all {pool.size} tags are "
                                "allocated or reserved); add a pool or release tags")
        return found

    async def get_allocation(self, allocation_id: uuid.UUID) -> VlanAllocation:
        """One VLAN allocation."""
        return await self.repo.get(allocation_id)

    async def release(self, allocation_id: uuid.UUID) -> VlanAllocation:
        """Give a tag back (free at once: a VLAN carries no state a successor could
        inherit); releasing twice is a 409."""
        row = await self.repo.get(allocation_id)
        if row.state != ALLOCATED:
            raise ConflictError(f"VLAN allocation {row.id}: {row.state}, not allocated")
        row.state, row.released_at = RELEASED, utcnow()
        self.audit.record("ipam.vlan_release", "ipam_vlan_allocation", row.id,
                          tag=_tags(row.tag, row.inner_tag))
        await self.session.commit()
        return row


def _tags(tag: int, inner: int | None) -> str:
    return str(tag) if inner is None else f"{tag}.{inner}"


async def vlan_utilization(session: AsyncSession, tenant_id: uuid.UUID | None,
                           ) -> list[PoolFill]:
    """Utilization of every VLAN pool of one tenant (or of all tenants: metrics)."""
    counts = await rows.state_counts(session, VlanAllocation, tenant_id)
    return [PoolFill(str(pool.tenant_id), utilization_of(pool, site, counts.get(pool.id, {})))
            for site, pool in await rows.vlan_pools(session, tenant_id)]


async def vlan_pool_utilization(session: AsyncSession, tenant_id: uuid.UUID,
                                pool_id: uuid.UUID) -> Utilization:
    """One VLAN pool's utilization (404 for a foreign or missing pool)."""
    pool = await rows.VlanPoolRepository(session, tenant_id).get(pool_id)
    site = (await rows.vlan_pools(session, tenant_id, pool.id))[0][0]
    counts = await rows.state_counts(session, VlanAllocation, tenant_id, pool.id)
    return utilization_of(pool, site, counts.get(pool.id, {}))
