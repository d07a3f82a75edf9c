"""Billing runs, finalization with gapless numbers, credit notes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing import charges
from hub.billing.adjustments import Adjuster
from hub.billing.charges import Charge
from hub.billing.models import (
    Customer,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    Plan,
    Subscription,
)
from hub.billing.money import tax_minor, to_minor
from hub.billing.payments import apply_credit
from hub.billing.repository import (
    Invoices,
    Subscriptions,
    TaxRates,
    customer_of,
    interface_rollups,
    invoiced_until,
    lock_customer,
    lock_subscription,
    plan_changes,
    plan_of,
)
from hub.billing.usage import gb_octets
from hub.billing.webhooks import invoice_finalized
from hub.domain_events import DomainEvent, publish
from hub.errors import InvalidRequestError
from hub.schedules.timing import billing_day_reached

DUE_DAYS = 14


@dataclass(frozen=True)
class InvoiceFinalized(DomainEvent):
    """An invoice or credit note (`kind`) was numbered and issued, in the publisher's
    transaction: its document (PDF) is made from it there (hub.billing.documents)."""

    tenant_id: uuid.UUID
    invoice_id: uuid.UUID
    kind: str
    number: int


PERIODS = ("month", "quarter", "year")
MONTHS = {"month": 1, "quarter": 3, "year": 12}


def billing_period(kind: str, day: date) -> tuple[date, date]:
    """The calendar month, quarter (January, April, July, October) or year containing `day`
    as [first day, first day of the next one): a plan's billing period."""
    months = MONTHS[kind]
    first = (day.month - 1) // months * months  # 0-based month the period starts in
    start = date(day.year, first + 1, 1)
    stop = first + months
    return start, date(day.year + stop // 12, stop % 12 + 1, 1)


class Invoicing:
    """Invoices of one tenant."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    async def run(self, period_start: date, today: date, finalize: bool = True,
                  ) -> list[Invoice]:
        """Invoice every subscription in service during its billing period containing
        `period_start`: the month, quarter or year of its plan (a quarterly subscription is
        invoiced for the whole quarter by the first run inside it).

        Subscriptions that already have an invoice for the period are skipped; the unique
        constraint (tenant, subscription, period_start) makes a concurrent run skip too.
        """
        made = []
        for kind in PERIODS:
            start, end = billing_period(kind, period_start)
            for sub in await self._billable(start, end, kind):
                invoice = await self._create(sub, start, end)
                if invoice is not None:
                    if finalize:
                        await self.finalize(invoice, today)
                    made.append(invoice)
        return made

    async def due_on(self, day: date, billing_day_of: Callable[[Customer], int],
                     ) -> list[tuple[uuid.UUID, str]]:
        """(subscription, period kind) of what `run(day, ...)` would invoice, narrowed to the
        customers whose billing day of the month (`billing_day_of`) has come by `day` (the
        scheduled run: issued on the billing day, or at the first run after it)."""
        due = []
        for kind in PERIODS:
            start, end = billing_period(kind, day)
            for sub in await self._billable(start, end, kind):
                customer = await customer_of(self.session, sub.customer_id)
                if billing_day_reached(billing_day_of(customer), day):
                    due.append((sub.id, kind))
        return due

    async def run_one(self, sub: Subscription, kind: str, day: date, today: date,
                      ) -> Invoice | None:
        """Invoice one subscription for its `kind` period containing `day`, finalized (the
        scheduled run: one invoice per transaction); None when it has one already."""
        start, end = billing_period(kind, day)
        invoice = await self._create(sub, start, end)
        if invoice is not None:
            await self.finalize(invoice, today)
        return invoice

    async def _billable(self, start: date, end: date, kind: str) -> list[Subscription]:
        return await Subscriptions(self.session, self.tenant_id).billable(start, end, kind)

    async def _create(self, sub: Subscription, start: date, end: date) -> Invoice | None:
        # Lock customer and subscription (plan changes, payments and other runs take turns
        # with this one) and
        # read what they committed: adjustments are then booked once.
        await self.session.flush()
        await lock_subscription(self.session, sub)
        customer = await customer_of(self.session, sub.customer_id)
        changes = await self._plan_changes(sub)
        found = await self.charges_for(sub, start, end, changes)
        rate = await self._tax_rate(customer.tax_jurisdiction)
        try:
            async with self.session.begin_nested():
                invoice = Invoice(tenant_id=self.tenant_id, customer_id=customer.id,
                                  subscription_id=sub.id, period_start=start, period_end=end,
                                  currency=customer.currency,
                                  tax_jurisdiction=customer.tax_jurisdiction, tax_rate=rate)
                self.session.add(invoice)
                await self.session.flush()
                adjuster = Adjuster(self.session)
                found += await adjuster.lines_for(sub, changes, invoice)
                adjuster.record(sub, invoice, charges.segments(changes, sub.ended_on, start, end))
                self._add_lines(invoice, found)
                # charged here (if any of the term was left); adjustments are booked now
                sub.termination_fee_pending = sub.adjustment_pending = False
                await self.session.flush()
        except IntegrityError:
            return None  # another run invoiced this subscription and period first
        return invoice

    def _add_lines(self, invoice: Invoice, found: list[Charge]) -> None:
        for n, c in enumerate(found):
            self.session.add(InvoiceLine(
                tenant_id=self.tenant_id, invoice_id=invoice.id, position=n, kind=c.kind,
                description=c.description[:300], quantity=c.quantity, unit_price=c.unit_price,
                exact=c.exact, amount_minor=to_minor(c.exact, invoice.currency)))
        invoice.subtotal_minor = sum(to_minor(c.exact, invoice.currency) for c in found)
        invoice.tax_minor = tax_minor([c.exact for c in found], invoice.tax_rate or Decimal(0),
                                      invoice.currency)
        invoice.total_minor = invoice.subtotal_minor + invoice.tax_minor

    async def _tax_rate(self, jurisdiction: str | None) -> Decimal | None:
        if jurisdiction is None:
            return None
        found = await TaxRates(self.session, self.tenant_id).of_jurisdiction(jurisdiction)
        if found is None:
            raise InvalidRequestError(f"tax jurisdiction {jurisdiction!r}: no tax rate defined; "
                                      "add one with POST /billing/tax-rates")
        if found.archived_at is not None:
            raise InvalidRequestError(f"tax jurisdiction {jurisdiction!r}: its tax rate "
                                      f"{found.id} is archived; move the customer to another "
                                      "jurisdiction with PATCH /billing/customers/{id}")
        return found.rate

    async def charges_for(self, sub: Subscription, start: date, end: date,
                          changes: list[tuple[date, Plan]] | None = None) -> list[Charge]:
        """Every charge of `sub` for [start, end): recurring/prorated, setup fee, usage."""
        changes = await self._plan_changes(sub) if changes is None else changes
        segs = charges.segments(changes, sub.ended_on, start, end)
        found = [charges.recurring(s, start, end) for s in segs]
        assert sub.started_on is not None
        if start <= sub.started_on < end:
            fee = charges.setup_fee(segs[0].plan) if segs else None
            found += [fee] if fee else []
        usage = await self._usage(sub, segs[-1], segs[0].start) if segs else None
        return found + ([usage] if usage else []) + await self._termination(sub)

    async def _termination(self, sub: Subscription) -> list[Charge]:
        """The early-termination charge, on the first invoice made after an early end: the
        term left after the end day or after the periods already invoiced, if later."""
        if not sub.termination_fee_pending or sub.ended_on is None:
            return []
        plan = await plan_of(self.session, sub.plan_id)
        fee = charges.early_termination(plan, sub.term_ends_on, sub.ended_on,
                                        await invoiced_until(self.session, sub.id))
        return [fee] if fee else []

    async def _plan_changes(self, sub: Subscription) -> list[tuple[date, Plan]]:
        return await plan_changes(self.session, sub.id)

    async def _usage(self, sub: Subscription, last: charges.Segment, first_day: date,
                     ) -> Charge | None:
        plan = last.plan
        if plan.usage_kind == "gb":
            total = await gb_octets(self.session, self.tenant_id, sub, plan, _at(first_day),
                                    _at(last.end))
            return None if total is None else charges.gb_overage(plan, total)
        if plan.usage_kind == "none" or sub.device_id is None or sub.if_index is None:
            return None
        rows = await interface_rollups(self.session, self.tenant_id, sub.device_id,
                                       sub.if_index, _at(first_day), _at(last.end))
        buckets = {r.bucket_start: (int(r.in_octets_delta), int(r.out_octets_delta))
                   for r in rows}
        return charges.p95_overage(plan, buckets, first_day, last.end)

    async def finalize(self, invoice: Invoice, today: date) -> Invoice:
        """Number the draft gaplessly (counter row locked FOR UPDATE), post it to the ledger."""
        if invoice.status != "draft":
            raise InvalidRequestError(f"invoice {invoice.id}: already finalized; finalized "
                                      "invoices are immutable, issue a credit note instead")
        invoice.number = await Invoices(self.session, self.tenant_id).next_number()
        invoice.status, invoice.issued_on = "finalized", today
        invoice.due_on = today + timedelta(days=DUE_DAYS)
        sign = -1 if invoice.kind == "credit_note" else 1
        self.session.add(LedgerEntry(tenant_id=self.tenant_id, customer_id=invoice.customer_id,
                                     kind=invoice.kind, ref_id=invoice.id, on=today,
                                     amount_minor=sign * invoice.total_minor))
        invoice_finalized(self.session, invoice)  # or invoice.credit_note; commits with it
        await publish(self.session, InvoiceFinalized(self.tenant_id, invoice.id, invoice.kind,
                                                     invoice.number))
        if invoice.kind == "invoice" and invoice.total_minor < 0:
            self._to_credit_balance(invoice, today)
        await self.session.flush()
        if invoice.kind == "invoice":
            await apply_credit(self.session, invoice.customer_id)  # overpayments settle it
        return invoice

    def _to_credit_balance(self, invoice: Invoice, today: date) -> None:
        """An invoice whose adjustment credits exceed its charges (a large downgrade) owes
        nothing: its amount becomes credit balance (a `credit` payment, no ledger entry of
        its own: the invoice's negative entry is it), applied to open invoices or refunded."""
        amount = -invoice.total_minor
        invoice.paid_minor = invoice.total_minor  # settled: nothing open on it
        self.session.add(Payment(tenant_id=self.tenant_id, customer_id=invoice.customer_id,
                                 amount_minor=amount, currency=invoice.currency,
                                 method="credit", reference=f"credit:invoice-{invoice.number}",
                                 received_on=today, unallocated_minor=amount))

    async def manual(self, customer: Customer, found: list[Charge]) -> Invoice:
        """A draft one-off invoice (no subscription, no period) with the given charges."""
        invoice = Invoice(tenant_id=self.tenant_id, customer_id=customer.id,
                          currency=customer.currency, tax_jurisdiction=customer.tax_jurisdiction,
                          tax_rate=await self._tax_rate(customer.tax_jurisdiction))
        self.session.add(invoice)
        await self.session.flush()
        self._add_lines(invoice, found)
        await self.session.flush()
        return invoice

    async def credit_note(self, invoice: Invoice, amount: Decimal, reason: str,
                          today: date) -> Invoice:
        """Correct a finalized invoice: a finalized credit note of `amount` + its tax.

        The credit (tax included) may not exceed what is still open on the invoice.
        """
        await lock_customer(self.session, invoice.customer_id)
        await self.session.refresh(invoice)  # paid and credited as committed now
        if invoice.status != "finalized" or invoice.kind != "invoice":
            raise InvalidRequestError(f"invoice {invoice.id}: only finalized invoices can be "
                                      "credited")
        note = Invoice(tenant_id=self.tenant_id, customer_id=invoice.customer_id,
                       kind="credit_note", credits_invoice_id=invoice.id,
                       currency=invoice.currency, tax_jurisdiction=invoice.tax_jurisdiction,
                       tax_rate=invoice.tax_rate)
        self.session.add(note)
        await self.session.flush()
        self._add_lines(note, [Charge("credit", reason, Decimal(1), amount, amount)])
        open_minor = invoice.total_minor - invoice.paid_minor - invoice.credited_minor
        if note.total_minor > open_minor:
            raise InvalidRequestError(
                f"credit note: {note.total_minor} minor units exceed the {open_minor} still "
                f"open on invoice {invoice.number}; refund the payment instead")
        invoice.credited_minor += note.total_minor
        return await self.finalize(note, today)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
