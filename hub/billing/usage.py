"""Where a plan's GB usage comes from: the subscriber's switch port (SNMP counters rolled up
by ingest) or its RADIUS sessions (accounting, hub.access.sessions), per `Plan.usage_source`.

Billing sits below subscriber access, so the RADIUS reader is registered by the composition
root (hub.handlers.wire); a process that registered none reads no RADIUS usage (zero).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Plan, Subscription
from hub.billing.repository import interface_rollups

# (session, tenant_id, subscription_id, start, end) -> (in, out) octets
RadiusUsage = Callable[[AsyncSession, uuid.UUID, uuid.UUID, datetime, datetime],
                       Awaitable[tuple[int, int]]]
_radius: list[RadiusUsage | None] = [None]


def register_radius_usage(reader: RadiusUsage | None) -> None:
    """Install the RADIUS usage reader (None: none)."""
    _radius[0] = reader


async def gb_octets(session: AsyncSession, tenant_id: uuid.UUID, sub: Subscription,
                    plan: Plan, start: datetime, end: datetime) -> Decimal | None:
    """In + out octets of the subscription from `start` up to `end` from the plan's usage
    source; None when it has none (no port bound for an snmp plan)."""
    if plan.usage_source == "radius":
        reader = _radius[0]
        if reader is None:
            return Decimal(0)
        used_in, used_out = await reader(session, tenant_id, sub.id, start, end)
        return Decimal(used_in + used_out)
    if sub.device_id is None or sub.if_index is None:
        return None
    rows = await interface_rollups(session, tenant_id, sub.device_id, sub.if_index, start, end)
    return sum((r.in_octets_delta + r.out_octets_delta for r in rows), Decimal(0))
