"""Facts the billing domain announces (see hub.domain_events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing import webhooks
from hub.domain_events import DomainEvent, publish

if TYPE_CHECKING:
    from hub.billing.models import Subscription


@dataclass(frozen=True)
class SubscriptionChanged(DomainEvent):
    """A subscription went through a lifecycle action (activate, suspend, resume, terminate,
    change_plan); `status` is the billing state after it."""

    tenant_id: uuid.UUID
    subscription_id: uuid.UUID
    customer_id: uuid.UUID
    plan_id: uuid.UUID
    action: str
    status: str
    suspend_reason: str | None
    effective_on: date | None


async def subscription_changed(session: AsyncSession, sub: Subscription, action: str,
                               on: date | None = None) -> SubscriptionChanged:
    """Announce a lifecycle change in the caller's transaction: its webhook (outbox) and the
    `SubscriptionChanged` domain event commit with the change or not at all."""
    change = SubscriptionChanged(
        tenant_id=sub.tenant_id, subscription_id=sub.id, customer_id=sub.customer_id,
        plan_id=sub.plan_id, action=action, status=sub.status,
        suspend_reason=sub.suspend_reason, effective_on=on)
    webhooks.subscription_changed(session, change)
    await publish(session, change)
    return change
