"""What an alarm touches outside the network, as rows: the subscriptions on a device (with
their customers' names) and the maintenance windows (`hub.alarms.impacts` caches them per
transaction and decides what they mean)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.models import MaintenanceWindow
from hub.billing.models import Customer, Subscription


async def subscriptions_on(session: AsyncSession, tenant_id: uuid.UUID,
                           device_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """(subscription, customer, customer name, port, ifIndex) of the device's subscriptions
    that are not terminated, by customer name."""
    query = (select(Subscription.id, Subscription.customer_id, Customer.name,
                    Subscription.port, Subscription.if_index)
             .join(Customer, Customer.id == Subscription.customer_id)
             .where(Subscription.tenant_id == tenant_id,
                    Subscription.device_id == device_id,
                    Subscription.status != "terminated")
             .order_by(Customer.name, Subscription.id))
    return [tuple(row) for row in await session.execute(query)]


async def windows_ending_after(session: AsyncSession, tenant_id: uuid.UUID,
                               since: datetime) -> list[MaintenanceWindow]:
    """The tenant's maintenance windows that end after `since`."""
    query = select(MaintenanceWindow).where(MaintenanceWindow.tenant_id == tenant_id,
                                            MaintenanceWindow.ends_at > since)
    return list((await session.execute(query)).scalars())
