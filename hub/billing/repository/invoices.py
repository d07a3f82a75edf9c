"""Invoices, their lines and numbers, tax rates, and what each period was billed at."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import BilledPeriod, Invoice, InvoiceCounter, InvoiceLine, TaxRate
from hub.pagination import PageParams
from hub.repository import TenantScopedRepository


class Invoices(TenantScopedRepository[Invoice]):
    """Invoices and credit notes of the caller's tenant."""

    model, noun = Invoice, "invoice"

    async def page_of(self, params: PageParams, customer_id: uuid.UUID | None = None,
                      ) -> tuple[list[Invoice], str | None]:
        """One page of invoices and credit notes, of one customer when `customer_id` is set."""
        query = self.select()
        if customer_id is not None:
            query = query.where(Invoice.customer_id == customer_id)
        return await self.page(params, query)

    async def finalized_page_of(self, params: PageParams, customer_id: uuid.UUID | None,
                                ) -> tuple[list[Invoice], str | None]:
        """One page of the finalized documents of one customer (none for None: a portal
        caller bound to no customer sees nothing)."""
        query = self.select().where(Invoice.customer_id == customer_id,
                                    Invoice.status == "finalized")
        return await self.page(params, query)

    async def finalized_due_before(self, today: date) -> list[Invoice]:
        """Finalized invoices (not credit notes) due before `today`, oldest due first."""
        query = (self.select().where(Invoice.kind == "invoice", Invoice.status == "finalized",
                                     Invoice.due_on < today)
                 .order_by(Invoice.due_on, Invoice.number))
        return list((await self.session.execute(query)).scalars())

    async def next_number(self) -> int:
        """The next gapless invoice number: the tenant's counter row, locked FOR UPDATE until
        the transaction ends (created on first use; a concurrent creator wins the insert)."""
        lock = select(InvoiceCounter).where(
            InvoiceCounter.tenant_id == self.tenant_id).with_for_update()
        counter = (await self.session.execute(lock)).scalar_one_or_none()
        if counter is None:
            try:
                async with self.session.begin_nested():
                    counter = InvoiceCounter(tenant_id=self.tenant_id, next_number=1)
                    self.session.add(counter)
            except IntegrityError:
                counter = (await self.session.execute(lock)).scalar_one()
        number = counter.next_number
        counter.next_number = number + 1
        return number


class TaxRates(TenantScopedRepository[TaxRate]):
    """Tax rates of the caller's tenant."""

    model, noun = TaxRate, "tax rate"

    async def rate(self, jurisdiction: str) -> Decimal | None:
        """The rate of one jurisdiction, or None when the tenant defined none."""
        found = await self.of_jurisdiction(jurisdiction)
        return None if found is None else found.rate

    async def of_jurisdiction(self, jurisdiction: str) -> TaxRate | None:
        """The tax rate of one jurisdiction (archived or not), or None."""
        query = self.select().where(TaxRate.jurisdiction == jurisdiction)
        found: TaxRate | None = (await self.session.execute(query)).scalar_one_or_none()
        return found

    async def listed(self, params: PageParams, include_archived: bool,
                     ) -> tuple[list[TaxRate], str | None]:
        """One keyset page of tax rates, not archived unless asked."""
        query = self.select()
        if not include_archived:
            query = query.where(TaxRate.archived_at.is_(None))
        return await self.page(params, query)


async def invoice_lines(session: AsyncSession, invoice_id: uuid.UUID) -> list[InvoiceLine]:
    """Lines of one invoice, in insertion order."""
    query = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
    return list((await session.execute(query.order_by(InvoiceLine.position))).scalars())


async def count_invoices(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    """How many invoices (not credit notes) the tenant has."""
    query = select(func.count()).select_from(Invoice).where(Invoice.tenant_id == tenant_id,
                                                            Invoice.kind == "invoice")
    return int((await session.execute(query)).scalar_one())


async def open_invoices(session: AsyncSession, customer_id: uuid.UUID) -> list[Invoice]:
    """Finalized invoices with something owed, oldest first (due date, then number)."""
    query = (select(Invoice).where(
        Invoice.customer_id == customer_id, Invoice.kind == "invoice",
        Invoice.status == "finalized",
        Invoice.total_minor > Invoice.paid_minor + Invoice.credited_minor)
        .order_by(Invoice.due_on, Invoice.number).execution_options(populate_existing=True))
    return list((await session.execute(query)).scalars())


async def invoiced_until(session: AsyncSession, sub_id: uuid.UUID) -> date | None:
    """End of the last period already invoiced for the subscription (billed in advance);
    None before its first invoice."""
    query = select(func.max(Invoice.period_end)).where(Invoice.subscription_id == sub_id,
                                                       Invoice.kind == "invoice")
    last: date | None = (await session.execute(query)).scalar_one()
    return last


async def billed_periods(session: AsyncSession, sub_id: uuid.UUID, before: date,
                         ) -> list[tuple[Invoice, BilledPeriod]]:
    """Each invoiced period of the subscription before `before` with the latest record of
    the plans it was billed at."""
    query = (select(Invoice, BilledPeriod)
             .join(BilledPeriod, (BilledPeriod.subscription_id == Invoice.subscription_id)
                   & (BilledPeriod.period_start == Invoice.period_start))
             .where(Invoice.subscription_id == sub_id, Invoice.kind == "invoice",
                    Invoice.period_start < before)
             .order_by(Invoice.period_start, BilledPeriod.created_at, BilledPeriod.id))
    latest: dict[date | None, tuple[Invoice, BilledPeriod]] = {}
    for invoice, billed in (await session.execute(query)).all():
        latest[invoice.period_start] = (invoice, billed)  # ordered: the last one wins
    return list(latest.values())


async def credited_total(session: AsyncSession, invoice_id: uuid.UUID) -> int:
    """What the finalized credit notes of an invoice add up to (tax included)."""
    query = select(func.coalesce(func.sum(Invoice.total_minor), 0)).where(
        Invoice.credits_invoice_id == invoice_id, Invoice.kind == "credit_note",
        Invoice.status == "finalized")
    return int((await session.execute(query)).scalar_one())
