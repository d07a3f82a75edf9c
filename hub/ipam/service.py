"""IPAM use cases: prefixes, pools, allocations, and what other domains read from them.

Contract functions (docs/ipam.md):
- `subscriber_addresses` / `subscriber_vlans`: what RADIUS answers and provisioning jobs need.
- `release_for_subscription`: the termination reaction (wired in hub.handlers).
- `release_quarantined`: the scheduler's task (quarantine over -> address free).

Subscriptions are named by id only: billing is a layer above IPAM. Whether an id is a
subscription of the tenant is asked through a check the composition root registers
(`register_subscription_check`); without one the id is accepted as given.
"""

from __future__ import annotations

import ipaddress
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.errors import ConflictError, InvalidReferenceError, InvalidRequestError
from hub.ipam import addressing
from hub.ipam import repository as rows
from hub.ipam.models import (
    ALLOCATED,
    QUARANTINED,
    RELEASED,
    RESERVED,
    IpAllocation,
    IpPool,
    IpPrefix,
    VlanAllocation,
)
from hub.ipam.schemas import (
    AllocationCreate,
    PoolCreate,
    PoolUpdate,
    PrefixCreate,
    PrefixUpdate,
    ReservationCreate,
    Utilization,
)
from hub.ipam.settings import IpamSettings
from hub.repository import commit_or_conflict

log = logging.getLogger("dotmac.hub.ipam")

SubscriptionCheck = Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[object | None]]
_checks: list[SubscriptionCheck] = []


def register_subscription_check(check: SubscriptionCheck | None) -> None:
    """Set how an allocation's subscription id is checked: `check(session, tenant_id,
    subscription_id)` returns the subscription or None (None: no check, ids accepted)."""
    _checks.clear()
    if check is not None:
        _checks.append(check)


async def check_subscription(session: AsyncSession, tenant_id: uuid.UUID,
                             subscription_id: uuid.UUID) -> None:
    """422 when a registered check does not find the subscription in this tenant."""
    if _checks and await _checks[0](session, tenant_id, subscription_id) is None:
        raise InvalidReferenceError(f"subscription_id {subscription_id}: no such "
                                    "subscription in this tenant")


# -- what other domains read ---------------------------------------------------------------

@dataclass(frozen=True)
class SubscriberVlans:
    """A subscription's VLANs: a single tag, or a QinQ S-VLAN/C-VLAN pair."""

    vlan: int | None = None
    svlan: int | None = None
    cvlan: int | None = None

    def params(self) -> dict[str, int]:
        """The tags that are set, as provisioning job parameters (vlan, svlan, cvlan)."""
        return {k: v for k, v in (("vlan", self.vlan), ("svlan", self.svlan),
                                  ("cvlan", self.cvlan)) if v is not None}


@dataclass(frozen=True)
class SubscriberAddresses:
    """What a RADIUS answer carries for a subscription (docs/ipam.md, "RADIUS")."""

    ipv4: str | None  # Framed-IP-Address
    ipv6_prefix: str | None  # Framed-IPv6-Prefix
    delegated_prefix: str | None  # Delegated-IPv6-Prefix
    pool_name: str | None  # Framed-Pool: a dynamic pool, when no static IPv4 address
    vlan: int | None
    svlan: int | None
    cvlan: int | None


async def subscriber_vlans(session: AsyncSession, tenant_id: uuid.UUID,
                           subscription_id: uuid.UUID) -> SubscriberVlans:
    """The subscription's allocated VLANs (the first of each kind)."""
    vlan = svlan = cvlan = None
    for kind, tag, inner in await rows.subscription_vlans(session, tenant_id, subscription_id):
        if kind == "single" and vlan is None:
            vlan = tag
        elif kind == "qinq" and svlan is None:
            svlan, cvlan = tag, inner
    return SubscriberVlans(vlan, svlan, cvlan)


async def subscriber_addresses(session: AsyncSession, tenant_id: uuid.UUID,
                               subscription_id: uuid.UUID) -> SubscriberAddresses:
    """The subscription's addresses and VLANs; all None when it has none (or is another
    tenant's). The first allocation of each kind wins."""
    found: dict[str, str] = {}
    for family, kind, name, address in await rows.subscription_addresses(
            session, tenant_id, subscription_id):
        what = ("pool_name" if kind == "dynamic" else "delegated_prefix" if kind == "delegated"
                else "ipv4" if family == 4 else "ipv6_prefix")
        found.setdefault(what, name if kind == "dynamic" else address)
    vlans = await subscriber_vlans(session, tenant_id, subscription_id)
    pool_name = None if "ipv4" in found else found.get("pool_name")
    return SubscriberAddresses(found.get("ipv4"), found.get("ipv6_prefix"),
                               found.get("delegated_prefix"), pool_name,
                               vlans.vlan, vlans.svlan, vlans.cvlan)


def quarantine(settings: IpamSettings | None = None) -> timedelta:
    """How long a released address rests (DOTMAC_HUB_IPAM_QUARANTINE_HOURS)."""
    return timedelta(hours=(settings or IpamSettings()).quarantine_hours)


async def release_for_subscription(session: AsyncSession, tenant_id: uuid.UUID,
                                   subscription_id: uuid.UUID, now: datetime,
                                   settings: IpamSettings | None = None) -> int:
    """Release everything the subscription holds, in the caller's transaction: addresses
    and prefixes go to quarantine, dynamic-pool bindings and VLANs are free at once.
    Returns how many allocations were released."""
    until = now + quarantine(settings)
    released = 0
    for row in await rows.bound_rows(session, IpAllocation, tenant_id, subscription_id):
        _release_address(row, now, until)
        released += 1
    for vlan in await rows.bound_rows(session, VlanAllocation, tenant_id, subscription_id):
        vlan.state, vlan.released_at = RELEASED, now
        released += 1
    await session.flush()
    log.info("ipam.released tenant=%s subscription=%s allocations=%d", tenant_id,
             subscription_id, released)
    return released


class SubscriptionFact(Protocol):
    """What the termination reaction reads from billing's SubscriptionChanged."""

    tenant_id: uuid.UUID
    subscription_id: uuid.UUID
    action: str


async def on_subscription_changed(session: AsyncSession, event: SubscriptionFact) -> None:
    """Domain-event handler: a terminated subscription gives its addresses and VLANs back."""
    if event.action == "terminate":
        await release_for_subscription(session, event.tenant_id, event.subscription_id,
                                       utcnow())


async def release_quarantined(session: AsyncSession, tenant_id: uuid.UUID,
                              now: datetime) -> int:
    """Addresses whose quarantine ended become free; returns how many (commits)."""
    count = await rows.end_quarantine(session, tenant_id, now)
    await session.commit()
    return count


def _release_address(row: IpAllocation, now: datetime, until: datetime) -> None:
    """An allocated address goes to quarantine; a binding (no address) or a reservation
    is released at once."""
    row.released_at = now
    if row.state == ALLOCATED and row.slot is not None:
        row.state, row.quarantine_until = QUARANTINED, until
    else:
        row.state = RELEASED


# -- prefixes and pools --------------------------------------------------------------------

class PrefixService:
    """Prefixes of one tenant; no two of them share an address."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session, self.tenant_id = session, tenant_id
        self.repo = rows.PrefixRepository(session, tenant_id)

    async def create(self, body: PrefixCreate) -> IpPrefix:
        """Add a prefix; one overlapping another of the tenant is a 409 naming it."""
        network = addressing.parse_prefix(body.prefix)
        if not await rows.site_exists(self.session, self.tenant_id, body.site_id):
            raise InvalidReferenceError(f"site_id {body.site_id}: no such site in this "
                                        "tenant")
        first, last = (addressing.key(int(network.network_address)),
                       addressing.key(int(network.broadcast_address)))
        clash = await self.repo.overlapping(network.version, first, last)
        if clash is not None:
            raise ConflictError(f"prefix {network}: overlaps {clash.prefix} of this tenant "
                                f"(id {clash.id}); use a block outside it or pools inside it")
        row = self.repo.add(IpPrefix(site_id=body.site_id, prefix=str(network),
                                     family=network.version, first_key=first, last_key=last,
                                     description=body.description))
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


class PoolService:
    """Address pools of one tenant; pools of one prefix never share an address."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session, self.tenant_id = session, tenant_id
        self.repo = rows.PoolRepository(session, tenant_id)

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
        await self.session.commit()


# -- allocations ---------------------------------------------------------------------------

class AllocationService:
    """Allocations of one tenant's pools. The pool row is locked for the whole allocation,
    and the (pool_id, slot) partial unique index refuses any second holder of a slot."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID,
                 settings: IpamSettings | None = None) -> None:
        self.session, self.tenant_id, self.settings = session, tenant_id, settings
        self.repo = rows.AllocationRepository(session, tenant_id)

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
        self.repo.add(row)
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
        _release_address(row, now, now + quarantine(self.settings))
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


# -- utilization ---------------------------------------------------------------------------

def utilization_of(pool: Any, site: str, counts: dict[str, int]) -> Utilization:
    """A pool's (address or VLAN) utilization from its rows' counts per state. A dynamic
    pool's `used` counts the subscriptions drawing from it (the NAS picks the addresses)."""
    size = int(pool.size)
    used, reserved = counts.get(ALLOCATED, 0), counts.get(RESERVED, 0)
    quarantined = counts.get(QUARANTINED, 0)
    taken = used + reserved + quarantined
    return Utilization(pool_id=pool.id, pool=pool.name, kind=pool.kind, site_id=pool.site_id,
                       site=site, size=size, used=used, reserved=reserved,
                       quarantined=quarantined, free=max(size - taken, 0),
                       percent=round(100.0 * taken / size, 2) if size else 0.0)


@dataclass(frozen=True)
class PoolFill:
    """One pool's utilization with its tenant id, for the metrics pass."""

    tenant_id: str
    utilization: Utilization


async def address_utilization(session: AsyncSession, tenant_id: uuid.UUID | None,
                              ) -> list[PoolFill]:
    """Utilization of every address pool of one tenant (or of all tenants: metrics)."""
    counts = await rows.state_counts(session, IpAllocation, tenant_id)
    return [PoolFill(str(pool.tenant_id), utilization_of(pool, site, counts.get(pool.id, {})))
            for site, pool in await rows.pools(session, tenant_id)]


async def pool_utilization(session: AsyncSession, tenant_id: uuid.UUID,
                           pool_id: uuid.UUID) -> Utilization:
    """One pool's utilization (404 for a foreign or missing pool)."""
    pool = await rows.PoolRepository(session, tenant_id).get(pool_id)
    found = await rows.pools(session, tenant_id, pool.id)
    counts = await rows.state_counts(session, IpAllocation, tenant_id, pool.id)
    return utilization_of(pool, found[0][0], counts.get(pool.id, {}))
