"""Prefixes, address pools and their allocations: the use cases behind /ipam's routes.

Allocation takes the pool row's lock (SELECT ... FOR UPDATE; SQLite's BEGIN IMMEDIATE write
lock does the same) for the whole search-and-insert, so allocators of one pool take turns
and never race for one slot; the partial unique index on (pool_id, slot) is the guarantee
underneath (docs/ipam.md, "Concurrency").
"""

from __future__ import annotations

import ipaddress
import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.db import new_id, utcnow
from hub.errors import ConflictError, InvalidReferenceError, InvalidRequestError
from hub.ipam import addressing
from hub.ipam import repository as rows
from hub.ipam.models import (
    ALLOCATED,
    QUARANTINED,
    RESERVED,
    IpAllocation,
    IpPool,
    IpPrefix,
)
from hub.ipam.schemas import (
    AllocationCreate,
    PoolCreate,
    PoolUpdate,
    PrefixCreate,
    PrefixUpdate,
    ReservationCreate,
)
from hub.ipam.service import check_subscription, quarantine, release_address
from hub.ipam.settings import IpamSettings
from hub.principal import Principal
from hub.repository import commit_or_conflict

log = logging.getLogger("dotmac.hub.ipam")


class AuditedUseCase:
    """A use case run by a principal in its tenant; what it changes is audited."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session, self.tenant_id = session, principal.tenant_id
        self.audit = AuditTrail(session, principal)


class PrefixService(AuditedUseCase):
    """Prefixes of one tenant; no two of them share an address."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        super().__init__(session, principal)
        self.repo = rows.PrefixRepository(session, self.tenant_id)

    async def create(self, body: PrefixCreate) -> IpPrefix:
        """Add a prefix; one overlapping another of the tenant is a 409 naming it."""
        network = addressing.parse_prefix(body.prefix)
        if not await rows.site_exists(self.session, self.tenant_id, body.site_id):
            raise InvalidReferenceError(f"site_id {body.site_id}: no such site in this "
                                        "tenant")
        first, last = (addressing.key(int(network.network_address)),
                       addressing.key(int(network.broadcast_address)))
        await self.repo.take_turns()
        clash = await self.repo.overlapping(network.version, first, last)
        if clash is not None:
            raise ConflictError(f"prefix {network}: overlaps {clash.prefix} of this tenant "
                                f"(id {clash.id}); use a block outside it or pools inside it")
        row = self.repo.add(IpPrefix(id=new_id(), site_id=body.site_id, prefix=str(network),
                                     family=network.version, first_key=first, last_key=last,
                                     description=body.description))
        self.audit.record("ipam.prefix_create", "ipam_prefix", row.id, prefix=row.prefix)
        await commit_or_conflict(self.session, f"prefix {network}: already exists")
        return row

    async def get(self, prefix_id: uuid.UUID) -> IpPrefix:
        """One prefix."""
        return await self.repo.get(prefix_id)

    async def update(self, prefix_id: uuid.UUID, body: PrefixUpdate) -> IpPrefix:
        """Change a prefix's description."""
        row = await self.repo.get(prefix_id)
        row.description = body.description
        await self.session.commit()
        return row

    async def delete(self, prefix_id: uuid.UUID) -> None:
        """Delete a prefix without pools (409 otherwise)."""
        row = await self.repo.get(prefix_id)
        pools = await self.repo.pool_count(prefix_id)
        if pools:
            raise ConflictError(f"prefix {row.prefix}: {pools} pool(s) are cut from it; "
                                "delete them first")
        await self.repo.delete(row)
        self.audit.record("ipam.prefix_delete", "ipam_prefix", row.id, prefix=row.prefix)
        await commit_or_conflict(self.session, f"prefix {row.prefix}: still in use")


def pool_layout(pool: IpPool) -> addressing.Layout:
    """Where the pool's slots lie."""
    start = int(ipaddress.ip_address(pool.range_start))
    return addressing.Layout(pool.family, pool.assign_length, start, pool.size)


def _assign_length(network: addressing.IpNetwork, body: PoolCreate) -> int:
    """32 for IPv4; the given length for IPv6 (64 per line, 56 delegated by default)."""
    if network.version == 4:
        if body.kind == "delegated" or body.assign_length not in (None, 32):
            raise InvalidRequestError("IPv4 pools hand out single addresses: leave "
                                      "assign_length out and use kind static or dynamic")
        return 32
    if body.kind == "dynamic":
        raise InvalidRequestError("kind dynamic: IPv4 only (a NAS-side pool named in "
                                  "Framed-Pool); for IPv6 use static or delegated")
    return body.assign_length or (56 if body.kind == "delegated" else 64)


def _bounds(network: addressing.IpNetwork, body: PoolCreate) -> tuple[int, int]:
    first, last = addressing.usable_bounds(network)
    start = (int(addressing.parse_address(body.range_start, "range_start"))
             if body.range_start else first)
    end = int(addressing.parse_address(body.range_end, "range_end")) if body.range_end else last
    return start, end


class PoolService(AuditedUseCase):
    """Address pools of one tenant; pools of one prefix never share an address."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        super().__init__(session, principal)
        self.repo = rows.PoolRepository(session, self.tenant_id)

    async def create(self, body: PoolCreate) -> IpPool:
        """Cut a pool from a prefix; its gateway (when inside the range) is reserved."""
        prefix = await rows.PrefixRepository(self.session, self.tenant_id).get_reference(
            body.prefix_id, "prefix_id")
        network = addressing.parse_prefix(prefix.prefix)
        layout = addressing.layout(network, _assign_length(network, body), *_bounds(network,
                                                                                    body))
        end = layout.start + layout.size * layout.step - 1
        await self._refuse_overlap(prefix, layout.start, end)
        pool = self.repo.add(IpPool(
            prefix_id=prefix.id, site_id=prefix.site_id, name=body.name, kind=body.kind,
            family=network.version, assign_length=layout.assign_length,
            range_start=str(ipaddress.ip_address(layout.start)),
            range_end=str(ipaddress.ip_address(end)), size=layout.size,
            gateway=self._gateway(network, body.gateway), description=body.description))
        await commit_or_conflict(self.session, f"pool {body.name}: the name is taken",
                                 flush_only=True)
        self._reserve_gateway(pool, layout)
        self.audit.record("ipam.pool_create", "ipam_pool", pool.id, name=pool.name,
                          kind=pool.kind, range=f"{pool.range_start} - {pool.range_end}")
        await commit_or_conflict(self.session, f"pool {body.name}: the name is taken")
        return pool

    @staticmethod
    def _gateway(network: addressing.IpNetwork, gateway: str | None) -> str | None:
        if gateway is None:
            return None
        address = addressing.parse_address(gateway, "gateway")
        if address not in network:
            raise InvalidRequestError(f"gateway {gateway}: outside {network}")
        return str(address)

    def _reserve_gateway(self, pool: IpPool, layout: addressing.Layout) -> None:
        """The gateway inside the range is a reservation: never handed out."""
        if pool.gateway is None:
            return
        offset = int(ipaddress.ip_address(pool.gateway)) - layout.start
        if 0 <= offset < layout.size * layout.step:
            slot = offset // layout.step
            rows.AllocationRepository(self.session, self.tenant_id).add(IpAllocation(
                pool_id=pool.id, slot=slot, address=layout.text(slot), state=RESERVED,
                note="gateway"))

    async def _refuse_overlap(self, prefix: IpPrefix, start: int, end: int) -> None:
        """409 when another pool of the prefix shares an address with start..end (the
        prefix row is locked so two creations take turns)."""
        await rows.PrefixRepository(self.session, self.tenant_id).locked(prefix.id)
        for other in await rows.PoolRepository(self.session, self.tenant_id).of_prefix(
                prefix.id):
            if (int(ipaddress.ip_address(other.range_start)) <= end
                    and int(ipaddress.ip_address(other.range_end)) >= start):
                raise ConflictError(f"pool range overlaps pool {other.name} "
                                    f"({other.range_start} - {other.range_end}) of "
                                    f"{prefix.prefix}; choose a range outside it")

    async def get(self, pool_id: uuid.UUID) -> IpPool:
        """One pool."""
        return await self.repo.get(pool_id)

    async def update(self, pool_id: uuid.UUID, body: PoolUpdate) -> IpPool:
        """Rename a pool or change its description."""
        pool = await self.repo.get(pool_id)
        for field, value in body.model_dump(exclude_none=True).items():
            setattr(pool, field, value)
        await commit_or_conflict(self.session, f"pool {body.name}: the name is taken")
        return pool

    async def delete(self, pool_id: uuid.UUID) -> None:
        """Delete a pool that holds no allocation or quarantined address (409 otherwise);
        its reservations and history go with it."""
        pool = await self.repo.get(pool_id)
        counts = (await rows.state_counts(self.session, IpAllocation, self.tenant_id,
                                          pool_id)).get(pool_id, {})
        busy = counts.get(ALLOCATED, 0) + counts.get(QUARANTINED, 0)
        if busy:
            raise ConflictError(f"pool {pool.name}: {busy} address(es) are allocated or "
                                "quarantined; release them first")
        await self.repo.delete(pool)
        self.audit.record("ipam.pool_delete", "ipam_pool", pool.id, name=pool.name)
        await self.session.commit()


# -- allocations ---------------------------------------------------------------------------

class AllocationService(AuditedUseCase):
    """Allocations of one tenant's pools. The pool row is locked for the whole allocation,
    and the (pool_id, slot) partial unique index refuses any second holder of a slot."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 settings: IpamSettings | None = None) -> None:
        super().__init__(session, principal)
        self.settings = settings
        self.repo = rows.AllocationRepository(session, self.tenant_id)

    async def allocate(self, pool_id: uuid.UUID, body: AllocationCreate) -> IpAllocation:
        """Bind the lowest free (or the given) address of the pool to the subscription."""
        pool = await rows.PoolRepository(self.session, self.tenant_id).locked(pool_id)
        await check_subscription(self.session, self.tenant_id, body.subscription_id)
        held = await rows.bound_row(self.session, IpAllocation, pool.id, body.subscription_id)
        if held is not None:
            raise ConflictError(f"subscription {body.subscription_id}: already holds "
                                f"{held.address or 'a binding'} in pool {pool.name}; "
                                "release it first")
        if pool.kind == "dynamic":
            if body.address:
                raise InvalidRequestError(f"pool {pool.name} is dynamic: the NAS picks the "
                                          "address; use a static pool for a fixed address")
            row = IpAllocation(pool_id=pool.id, state=ALLOCATED)
        else:
            row = await self._slot_row(pool, body.address, ALLOCATED)
        row.subscription_id, row.note = body.subscription_id, body.note
        return await self._store(row, pool)

    async def reserve(self, pool_id: uuid.UUID, body: ReservationCreate) -> IpAllocation:
        """Keep one address of the pool out of allocation."""
        pool = await rows.PoolRepository(self.session, self.tenant_id).locked(pool_id)
        row = await self._slot_row(pool, body.address, RESERVED)
        row.note = body.note
        return await self._store(row, pool)

    async def _slot_row(self, pool: IpPool, address: str | None, state: str) -> IpAllocation:
        """A new row on the given address's slot, or on the lowest free slot."""
        layout = pool_layout(pool)
        await rows.end_quarantine(self.session, self.tenant_id, utcnow(), pool.id)
        if address:
            slot = layout.slot_of(address)
            holder = await rows.slot_holder(self.session, IpAllocation, pool.id, slot)
            if holder is not None:
                raise ConflictError(f"address {layout.text(slot)}: {_held(holder)}")
        else:
            found = await rows.first_free_slot(self.session, IpAllocation, pool.id, pool.size)
            if found is None:
                raise ConflictError(f"pool {pool.name}: exhausted (all {pool.size} addresses "
                                    "are allocated, reserved or quarantined); add a pool or "
                                    "release addresses")
            slot = found
        return IpAllocation(pool_id=pool.id, slot=slot, address=layout.text(slot), state=state)

    async def _store(self, row: IpAllocation, pool: IpPool) -> IpAllocation:
        row.id = new_id()
        self.repo.add(row)
        self.audit.record("ipam.allocate" if row.state == ALLOCATED else "ipam.reserve",
                          "ipam_allocation", row.id, pool=pool.name, address=row.address,
                          subscription_id=str(row.subscription_id or ""), note=row.note)
        await commit_or_conflict(self.session, f"pool {pool.name}: {row.address or 'binding'} "
                                 "was taken at the same moment; retry")
        log.info("ipam.allocated tenant=%s pool=%s address=%s state=%s", self.tenant_id,
                 pool.name, row.address, row.state)
        return row

    async def get(self, allocation_id: uuid.UUID) -> IpAllocation:
        """One allocation."""
        return await self.repo.get(allocation_id)

    async def release(self, allocation_id: uuid.UUID) -> IpAllocation:
        """Give an allocation back: an address goes to quarantine, a binding or a
        reservation is released at once; releasing twice is a 409."""
        row = await self.repo.get(allocation_id)
        if row.state not in (ALLOCATED, RESERVED):
            raise ConflictError(f"allocation {row.id}: already {_held(row)}")
        now = utcnow()
        release_address(row, now, now + quarantine(self.settings))
        self.audit.record("ipam.release", "ipam_allocation", row.id, address=row.address,
                          state=row.state)
        await self.session.commit()
        return row


def _held(row: IpAllocation) -> str:
    """How a row holds its slot, in words."""
    if row.state == QUARANTINED and row.quarantine_until is not None:
        return f"quarantined until {row.quarantine_until.isoformat()}"
    if row.state == ALLOCATED:
        return f"allocated to subscription {row.subscription_id}"
    if row.state == RESERVED:
        return f"reserved ({row.note})"
    return row.state
