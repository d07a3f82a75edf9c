"""The queries behind the business figures; every one starts from a tenant repository's
`select()`, so another tenant's rows are never counted."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, ScalarSelect, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.billing.models import Customer, DunningStep, Invoice, Plan, Subscription, SubscriptionEvent
from hub.billing.repository import Customers, Invoices, Plans, Subscriptions
from hub.pagination import PageParams

Rows = Sequence[Row[*tuple[Any, ...]]]  # result rows, read by position
PLAN_EVENTS = ("activate", "change_plan")  # the events that set the plan (as billing reads)


def _plan_at(subscription_id: Any, effective: ColumnElement[bool]) -> ScalarSelect[Any]:
    """Plan set by the subscription's latest plan event matching `effective` (correlated)."""
    return (select(SubscriptionEvent.plan_id)
            .where(SubscriptionEvent.subscription_id == subscription_id,
                   SubscriptionEvent.kind.in_(PLAN_EVENTS), effective)
            .order_by(SubscriptionEvent.effective_on.desc(), SubscriptionEvent.created_at.desc())
            .limit(1).scalar_subquery())


class BillingAnalyticsRepository:
    """Read-only queries of one tenant's billing tables for the business figures."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session, self.tenant_id = session, tenant_id
        self.subs, self.invoices = Subscriptions(session, tenant_id), Invoices(session, tenant_id)
        self.customers, self.plans = Customers(session, tenant_id), Plans(session, tenant_id)

    async def in_service(self, on: date) -> Rows:
        """(subscription, customer, plan id, plan name, currency, period, price) of each
        subscription in service on `on` (started_on <= on < ended_on; suspended ones
        included, they are still invoiced), with the plan in force that day."""
        plan_id = func.coalesce(_plan_at(Subscription.id, SubscriptionEvent.effective_on <= on),
                                Subscription.plan_id)
        query = (self.subs.select()
                 .join(Plan, (Plan.id == plan_id) & (Plan.tenant_id == self.tenant_id))
                 .where(Subscription.started_on <= on,
                        or_(Subscription.ended_on.is_(None), Subscription.ended_on > on))
                 .with_only_columns(Subscription.id, Subscription.customer_id, Plan.id,
                                    Plan.name, Plan.currency, Plan.period, Plan.price_minor))
        return (await self.session.execute(query)).all()

    async def revenue(self, start: date, end: date) -> Rows:
        """(plan id, currency, documents, credit notes, net amount) of the documents issued
        in [start, end): a credit note counts against the plan of the invoice it credits."""
        credited = aliased(Invoice)
        sub_id = func.coalesce(Invoice.subscription_id, credited.subscription_id)
        period_end = func.coalesce(Invoice.period_end, credited.period_end)
        plan_id = func.coalesce(_plan_at(sub_id, SubscriptionEvent.effective_on < period_end),
                                Subscription.plan_id)
        is_note = Invoice.kind == "credit_note"
        docs = (self.invoices.select()
                .outerjoin(credited, credited.id == Invoice.credits_invoice_id)
                .outerjoin(Subscription, Subscription.id == sub_id)
                .where(Invoice.status == "finalized", Invoice.issued_on >= start,
                       Invoice.issued_on < end)
                .with_only_columns(plan_id.label("plan_id"), Invoice.currency,
                                   case((is_note, 1), else_=0).label("note"),
                                   case((is_note, -Invoice.subtotal_minor),
                                        else_=Invoice.subtotal_minor).label("amount"))
                .subquery())
        query = (select(docs.c.plan_id, docs.c.currency, func.count(), func.sum(docs.c.note),
                        func.sum(docs.c.amount))
                 .group_by(docs.c.plan_id, docs.c.currency))
        return (await self.session.execute(query)).all()

    async def plan_names(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Name of each of these plans of the tenant."""
        if not ids:
            return {}
        query = self.plans.select().where(Plan.id.in_(ids))
        return {p.id: p.name for p in (await self.session.execute(query)).scalars()}

    def _open_invoices(self) -> Any:
        """Finalized invoices (not credit notes) with something still owed."""
        return self.invoices.select().where(
            Invoice.kind == "invoice", Invoice.status == "finalized",
            Invoice.total_minor > Invoice.paid_minor + Invoice.credited_minor)

    async def open_balances(self) -> Rows:
        """(currency, due date, amount still owed) of every open invoice."""
        open_minor = Invoice.total_minor - Invoice.paid_minor - Invoice.credited_minor
        query = self._open_invoices().with_only_columns(Invoice.currency, Invoice.due_on,
                                                        open_minor)
        return (await self.session.execute(query)).all()

    async def customers_in_dunning(self, page: PageParams,
                                   ) -> tuple[list[Customer], str | None]:
        """One keyset page of customers with an open invoice on which dunning took a step."""
        stepped = (self._open_invoices().join(DunningStep, DunningStep.invoice_id == Invoice.id)
                   .with_only_columns(Invoice.customer_id))
        return await self.customers.page(
            page, self.customers.select().where(Customer.id.in_(stepped)))

    async def dunning_steps(self, customer_ids: list[uuid.UUID]) -> Rows:
        """(customer, step) of every dunning step taken on these customers' open invoices."""
        mine = self._open_invoices().where(Invoice.customer_id.in_(customer_ids))
        steps = mine.join(DunningStep, DunningStep.invoice_id == Invoice.id).with_only_columns(
            Invoice.customer_id, DunningStep.step)
        return (await self.session.execute(steps)).all()

    async def open_invoices_of(self, customer_ids: list[uuid.UUID]) -> list[Invoice]:
        """The open invoices of these customers."""
        mine = self._open_invoices().where(Invoice.customer_id.in_(customer_ids))
        return list((await self.session.execute(mine)).scalars())
