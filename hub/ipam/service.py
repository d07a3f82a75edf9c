"""IPAM use cases other domains and the hub's machinery call (the API's own use cases are in
hub.ipam.pools and hub.ipam.vlans).

Contract functions (docs/ipam.md):
- `subscriber_addresses` / `subscriber_vlans`: what RADIUS answers and provisioning jobs need.
- `release_for_subscription`: the termination reaction (wired in hub.handlers).
- `release_quarantined`: the scheduler's task (quarantine over -> address free).

Subscriptions are named by id only: billing is a layer above IPAM. Whether an id is a
subscription of the tenant is asked through a check the composition root registers
(`register_subscription_check`); without one the id is accepted as given.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.errors import InvalidReferenceError
from hub.ipam import repository as rows
from hub.ipam.models import (
    ALLOCATED,
    QUARANTINED,
    RELEASED,
    RESERVED,
    IpAllocation,
    VlanAllocation,
)
from hub.ipam.schemas import Utilization
from hub.ipam.settings import IpamSettings

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

    def params(self, accepted: Collection[str] | None = None) -> dict[str, int]:
        """The tags that are set, as provisioning job parameters (vlan, svlan, cvlan); only
        the names in `accepted` when given (an action's schema refuses unknown parameters)."""
        return {k: v for k, v in (("vlan", self.vlan), ("svlan", self.svlan),
                                  ("cvlan", self.cvlan))
                if v is not None and (accepted is None or k in accepted)}


@dataclass(frozen=True)
class SubscriberAddresses:
    """What a RADIUS answer carries for a subscription (docs/ipam.md, "For integrators")."""

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
        release_address(row, now, until)
        released += 1
    for vlan in await rows.bound_rows(session, VlanAllocation, tenant_id, subscription_id):
        vlan.state, vlan.released_at = RELEASED, now
        released += 1
    await session.flush()
    log.info("ipam.released tenant=%s subscription=%s allocations=%d", tenant_id,
             subscription_id, released)
    return released


class SubscriptionFact(Protocol):
    """What the termination reaction reads from billing's SubscriptionChanged (read-only:
    the event is a frozen dataclass)."""

    @property
    def tenant_id(self) -> uuid.UUID: ...

    @property
    def subscription_id(self) -> uuid.UUID: ...

    @property
    def action(self) -> str: ...


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


def release_address(row: IpAllocation, now: datetime, until: datetime) -> None:
    """An allocated address goes to quarantine; a binding (no address) or a reservation
    is released at once."""
    row.released_at = now
    if row.state == ALLOCATED and row.slot is not None:
        row.state, row.quarantine_until = QUARANTINED, until
    else:
        row.state = RELEASED


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
