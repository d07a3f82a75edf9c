"""Plans, subscriptions and the dated plan changes billing replays."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Invoice, Plan, Subscription, SubscriptionEvent
from hub.pagination import PageParams
from hub.repository import TenantScopedRepository


def _in_family(family_id: uuid.UUID) -> ColumnElement[bool]:
    """A version of the plan whose first version is `family_id` (a plan stored without a
    family is its own first version)."""
    return (Plan.family_id == family_id) | (Plan.id == family_id)


class Plans(TenantScopedRepository[Plan]):
    """Plans (one row per price version) of the caller's tenant."""

    model, noun = Plan, "plan"

    async def listed(self, params: PageParams, include_archived: bool,
                     ) -> tuple[list[Plan], str | None]:
        """One keyset page of plan versions, not archived unless asked."""
        query = self.select()
        if not include_archived:
            query = query.where(Plan.archived_at.is_(None))
        return await self.page(params, query)

    async def versions(self, family_id: uuid.UUID) -> list[Plan]:
        """Every version of one plan, oldest first."""
        query = self.select().where(_in_family(family_id)).order_by(Plan.version)
        return list((await self.session.execute(query)).scalars())

    async def current(self, family_id: uuid.UUID, on: date) -> Plan:
        """The version of the plan in force on `on` (the first one before any is)."""
        versions = await self.versions(family_id)
        found = [v for v in versions if v.effective_from is None or v.effective_from <= on]
        return found[-1] if found else versions[0]

    async def on_older_versions(self, family_id: uuid.UUID, version: int,
                                ) -> list[Subscription]:
        """Active or suspended subscriptions on a version of the plan before `version`."""
        query = (select(Subscription).join(Plan, Plan.id == Subscription.plan_id)
                 .where(Subscription.tenant_id == self.tenant_id,
                        _in_family(family_id), Plan.version < version,
                        Subscription.status.in_(("active", "suspended")))
                 .order_by(Subscription.id))
        return list((await self.session.execute(query)).scalars())


class Subscriptions(TenantScopedRepository[Subscription]):
    """Subscriptions of the caller's tenant."""

    model, noun = Subscription, "subscription"

    async def billable(self, start: date, end: date, period: str = "month",
                       ) -> list[Subscription]:
        """Subscriptions billed by `period` (month, quarter or year: their plan's) in
        service during [start, end), or with a termination fee or an adjustment still to
        invoice, that have no invoice for the period yet (id order)."""
        query = self.select().join(Plan, Plan.id == Subscription.plan_id).where(
            Plan.period == period,
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
