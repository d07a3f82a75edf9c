"""Row locks of billing: the order in which one customer's money and lifecycle take turns.

Payments, allocations, refunds, credit notes, invoicing, dunning and subscription steps lock
the customer's row first, then the subscriptions they change (in id order).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Customer, Subscription
from hub.errors import ConflictError

DEADLOCK = "40P01"  # PostgreSQL deadlock_detected


async def lock_customer(session: AsyncSession, customer_id: uuid.UUID) -> None:
    """Lock the customer's row (`FOR NO KEY UPDATE`) until the transaction ends.

    The single serialization point for one customer's money and lifecycle. A deadlock
    PostgreSQL still detects (a transaction locking several customers in another order) is
    a 409.
    """
    query = (select(Customer.id).where(Customer.id == customer_id)
             .with_for_update(key_share=True))
    await _without_deadlock(session.execute(query), f"customer {customer_id}")


async def lock_subscription(session: AsyncSession, sub: Subscription) -> None:
    """Lock the subscription's customer, then the subscription (reloaded as committed)."""
    await lock_customer(session, sub.customer_id)
    await _without_deadlock(session.refresh(sub, with_for_update={"key_share": True}),
                            f"subscription {sub.id}")


async def lock_customer_subscriptions(session: AsyncSession, customer_id: uuid.UUID,
                                      ) -> list[Subscription]:
    """Every subscription of the customer, locked in id order and read as committed once
    the locks are held (the customer's row must already be locked)."""
    query = (select(Subscription).where(Subscription.customer_id == customer_id)
             .order_by(Subscription.id).with_for_update(key_share=True)
             .execution_options(populate_existing=True))
    return list((await session.execute(query)).scalars())


async def _without_deadlock(step: Awaitable[object], what: str) -> None:
    try:
        await step
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != DEADLOCK:
            raise
        raise ConflictError(f"{what}: a concurrent billing operation was changing it at the "
                            "same time; nothing was stored, send the request again") from exc
