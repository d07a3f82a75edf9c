"""Plans, subscriptions and the dated plan changes billing replays."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Invoice, Plan, Subscription, SubscriptionEvent
from hub.repository import TenantScopedRepository


class Plans(TenantScopedRepository[Plan]):
    """Plans of the caller's tenant."""

    model, noun = Plan, "plan"


class Subscriptions(TenantScopedRepository[Subscription]):
    """Subscriptions of the caller's tenant."""

    model, noun = Subscription, "subscription"

    async def billable(self, start: date, end: date) -> list[Subscription]:
        """Subscriptions in service during [start, end), or with a termination fee or an
        adjustment still to invoice, that have no invoice for the period yet (id order)."""
        query = self.select().where(
            Subscription.started_on.is_not(None), Subscription.started_on < end,
            (Subscription.ended_on.is_(None)) | (Subscription.ended_on > start)
            | Subscription.termination_fee_pending | Subscription.adjustment_pending,
            ~select(Invoice.id).where(Invoice.subscription_id == Subscription.id,
                                      Invoice.period_start == start).exists())
        return list((await self.session.execute(query.order_by(Subscription.id))).scalars())


async def plan_of(session: AsyncSession, plan_id: uuid.UUID) -> Plan:
    """A plan already referenced by a row of the caller's tenant (a subscription, an event)."""
    return await session.get_one(Plan, plan_id)


async def subscription_of(session: AsyncSession, sub_id: uuid.UUID) -> Subscription:
    """A subscription already referenced by a row of the caller's tenant (an invoice)."""
    return await session.get_one(Subscription, sub_id)


async def plan_changes(session: AsyncSession, sub_id: uuid.UUID) -> list[tuple[date, Plan]]:
    """(effective day, plan) of the activation and every plan change, in order."""
    query = (select(SubscriptionEvent.effective_on, Plan)
             .join(Plan, Plan.id == SubscriptionEvent.plan_id)
             .where(SubscriptionEvent.subscription_id == sub_id,
                    SubscriptionEvent.kind.in_(("activate", "change_plan")))
             .order_by(SubscriptionEvent.effective_on, SubscriptionEvent.created_at))
    return [(on, plan) for on, plan in (await session.execute(query)).all()]
