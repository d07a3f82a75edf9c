"""Where a plan's GB usage comes from: the subscriber's switch port (SNMP counters rolled up
by ingest) or its RADIUS sessions (accounting, hub.access.sessions), per `Plan.usage_source`.

Billing sits below subscriber access, so the RADIUS reader is registered by the composition
root (hub.handlers.wire); a process that registered none reads no RADIUS usage (zero).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Plan, Subscription
from hub.billing.repository import interface_rollups


@dataclass(frozen=True)
class UsageBucket:
    """Octets a subscription used in one bucket (5 minutes of port counters, or an hour of
    RADIUS accounting) starting at `start`."""

    start: datetime
    in_octets: int
    out_octets: int


# (session, tenant_id, subscription_id, start, end) -> [(hour, in, out)] octets per UTC hour
RadiusUsage = Callable[[AsyncSession, uuid.UUID, uuid.UUID, datetime, datetime],
                       Awaitable[Sequence[tuple[datetime, int, int]]]]
_radius: list[RadiusUsage | None] = [None]


def register_radius_usage(reader: RadiusUsage | None) -> None:
    """Install the RADIUS usage reader (None: none)."""
    _radius[0] = reader


async def usage_buckets(session: AsyncSession, tenant_id: uuid.UUID, sub: Subscription,
                        plan: Plan, start: datetime, end: datetime) -> list[UsageBucket] | None:
    """The subscription's usage from `start` up to `end` from the plan's usage source, in
    that source's buckets; None when it has none (no port bound for an snmp plan). Billing
    and the customer portal both read this, so the portal shows what is billed."""
    if plan.usage_source == "radius":
        reader = _radius[0]
        if reader is None:
            return []
        return [UsageBucket(hour, used_in, used_out)
                for hour, used_in, used_out in await reader(session, tenant_id, sub.id,
                                                             start, end)]
    if sub.device_id is None or sub.if_index is None:
        return None
    rows = await interface_rollups(session, tenant_id, sub.device_id, sub.if_index, start, end)
    return [UsageBucket(r.bucket_start, int(r.in_octets_delta), int(r.out_octets_delta))
            for r in rows]


async def gb_octets(session: AsyncSession, tenant_id: uuid.UUID, sub: Subscription,
                    plan: Plan, start: datetime, end: datetime) -> Decimal | None:
    """In + out octets of the subscription from `start` up to `end` from the plan's usage
    source; None when it has none (no port bound for an snmp plan)."""
    buckets = await usage_buckets(session, tenant_id, sub, plan, start, end)
    if buckets is None:
        return None
    return Decimal(sum(b.in_octets + b.out_octets for b in buckets))
