"""The subscriptions the GB-cap run looks at, and the plan event a throttle was applied under."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Plan, Subscription, SubscriptionEvent

PLAN_EVENTS = ("activate", "change_plan")


async def cap_candidates(session: AsyncSession, tenant_id: uuid.UUID,
                         throttling: frozenset[str]) -> list[Subscription]:
    """Active or suspended subscriptions of the tenant on a gb plan whose cap action is in
    `throttling`, or with a cap throttle recorded (to restore or clear it), in id order."""
    query = (select(Subscription).join(Plan, Plan.id == Subscription.plan_id)
             .where(Subscription.tenant_id == tenant_id,
                    Subscription.status.in_(("active", "suspended")),
                    (Plan.usage_kind == "gb") & Plan.cap_action.in_(sorted(throttling))
                    | Subscription.cap_throttled_period.is_not(None))
             .order_by(Subscription.id))
    return list((await session.execute(query)).scalars())


async def latest_plan_event(session: AsyncSession, sub_id: uuid.UUID) -> uuid.UUID | None:
    """The id of the subscription's latest activation or plan change (in the order they
    were made): the one that last set the port to a plan's rate."""
    query = (select(SubscriptionEvent.id)
             .where(SubscriptionEvent.subscription_id == sub_id,
                    SubscriptionEvent.kind.in_(PLAN_EVENTS))
             .order_by(SubscriptionEvent.created_at.desc(), SubscriptionEvent.id.desc())
             .limit(1))
    return (await session.execute(query)).scalar_one_or_none()
