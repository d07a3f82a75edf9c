"""The counts and sums behind a reseller's totals; each query starts from a repository
scoped to that one reseller's tenant."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.analytics.repository import Rows
from hub.billing.models import Customer, Invoice, Subscription
from hub.billing.repository import Customers, Invoices, Subscriptions


class ResellerFigures:
    """Read-only figures of one reseller tenant's billing tables."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.customers = Customers(session, tenant_id)
        self.subs, self.invoices = Subscriptions(session, tenant_id), Invoices(session, tenant_id)

    async def customer_count(self) -> int:
        """Customers not archived."""
        query = (self.customers.select().where(Customer.archived_at.is_(None))
                 .with_only_columns(func.count()))
        return int(await self.session.scalar(query) or 0)

    async def active_subscriptions(self) -> int:
        """Subscriptions whose status is active (not pending, suspended or ended)."""
        query = (self.subs.select().where(Subscription.status == "active")
                 .with_only_columns(func.count()))
        return int(await self.session.scalar(query) or 0)

    async def invoiced(self, start: date, end: date) -> Rows:
        """(currency, invoices, total, paid, credited) of the finalized invoices (not credit
        notes) issued in [start, end)."""
        query = (self.invoices.select()
                 .where(Invoice.kind == "invoice", Invoice.status == "finalized",
                        Invoice.issued_on >= start, Invoice.issued_on < end)
                 .with_only_columns(Invoice.currency, func.count(),
                                    func.sum(Invoice.total_minor), func.sum(Invoice.paid_minor),
                                    func.sum(Invoice.credited_minor))
                 .group_by(Invoice.currency).order_by(Invoice.currency))
        return (await self.session.execute(query)).all()
