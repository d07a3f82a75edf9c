"""Termination credit: the unused part of periods already invoiced (billed in advance).

When a subscription ends inside a period (or before periods) already invoiced, each such
invoice gets one credit note for the days from the credit start to the period's end, per
plan billed on those days (`BilledPeriod`, as adjustments read it), each line
`price x days / days_in_period` rounded once HALF_UP and the tax of the note computed once
at the invoice's rate: the same money rule as the invoice itself.

* The credit starts on the end day, or on the end of the minimum term when the early-
  termination charge applies (not waived): the term's days stay billed, as the charge
  charges the term left after the invoiced periods (docs/billing.md, minimum term).
* At most what the invoice has not been credited yet (its total minus its credit notes);
  a credit over that is one line of the largest amount that fits, tax included.
* The part of the credit not needed for what is still open on the invoice (it was paid)
  becomes credit balance: a `credit` payment `credit:credit-note-<number>` with no ledger
  entry of its own (the note's negative entry is it), applied to open invoices first.
* Once: the note records the plans its invoice now bills for the period (a `BilledPeriod`
  row ending at the credit start), so the days credited are no longer billed and a second
  pass finds nothing; the lifecycle also refuses a second termination under the lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.charges import FAR_FUTURE, Charge
from hub.billing.invoicing import Invoicing
from hub.billing.models import BilledPeriod, Invoice, InvoiceLine, Payment, Plan, Subscription
from hub.billing.money import from_minor, prorate, tax_minor, to_minor
from hub.billing.payments import apply_credit, invoice_open
from hub.billing.repository import billed_periods, lock_customer, plan_of
from hub.billing.repository import invoices as invoices_repo

Span = tuple[date, date, uuid.UUID]  # [start, end) billed on one plan


@dataclass(frozen=True)
class Unused:
    """The days of one invoiced period to credit and the ones that stay billed."""

    credited: list[Span]
    kept: list[list[str]]  # what `BilledPeriod.plans` stores for the days still billed


def split(plans: list[list[str]], credit_from: date) -> Unused:
    """Split the plans a period was billed at into the days from `credit_from` (credited)
    and the days before it (still billed)."""
    credited: list[Span] = []
    kept: list[list[str]] = []
    for start_s, end_s, plan_id in plans:
        start, end = date.fromisoformat(start_s), date.fromisoformat(end_s)
        if start < credit_from:
            kept.append([start_s, min(end, credit_from).isoformat(), plan_id])
        if end > credit_from:
            credited.append((max(start, credit_from), end, uuid.UUID(plan_id)))
    return Unused(credited, kept)


def credit_line(span: tuple[date, date, Plan], period: tuple[date, date], number: int | None,
                ended_on: date) -> Charge:
    """Credit the plan billed for `span`'s days of `period`, prorated like the invoice."""
    start, end, plan = span
    first, stop = period
    days, total = (end - start).days, (stop - first).days
    price = from_minor(plan.price_minor, plan.currency)
    return Charge("credit", f"Unused {plan.name} {start}..{end} ({days}/{total} days; period "
                  f"{first}..{stop} on invoice {number}; service ended {ended_on})",
                  Decimal(days) / Decimal(total), price, prorate(price, start, end, first, stop))


def _tax(net_minor: int, rate: Decimal, currency: str) -> int:
    return tax_minor([from_minor(net_minor, currency)], rate, currency)


def capped_net(remaining_minor: int, rate: Decimal, currency: str) -> int:
    """The largest net amount (minor units) whose total with its tax fits `remaining_minor`."""
    net = int(Decimal(remaining_minor) / (1 + rate))
    while net + 1 + _tax(net + 1, rate, currency) <= remaining_minor:
        net += 1
    while net > 0 and net + _tax(net, rate, currency) > remaining_minor:
        net -= 1
    return net


def totals(found: list[Charge], rate: Decimal, currency: str) -> tuple[int, int]:
    """(subtotal, tax) in minor units: each line rounded once, tax once on the exact sum."""
    return (sum(to_minor(c.exact, currency) for c in found),
            tax_minor([c.exact for c in found], rate, currency))


class TerminationCredit:
    """Credits the unused invoiced days of one terminated subscription."""

    def __init__(self, session: AsyncSession, sub: Subscription) -> None:
        self.session = session
        self.sub = sub

    async def issue(self, credit_from: date, today: date) -> list[Invoice]:
        """One finalized credit note per invoice that billed days from `credit_from` on."""
        await lock_customer(self.session, self.sub.customer_id)
        await self.session.flush()
        notes = []
        for invoice, billed in await billed_periods(self.session, self.sub.id, FAR_FUTURE):
            assert invoice.period_start is not None and invoice.period_end is not None
            if invoice.period_end <= credit_from:
                continue
            unused = split(billed.plans, credit_from)
            note = await self._note(invoice, unused, today) if unused.credited else None
            notes += [note] if note is not None else []
        if notes:  # credit balance made by a note pays the customer's open invoices
            await apply_credit(self.session, self.sub.customer_id)
        return notes

    async def _lines(self, invoice: Invoice, unused: Unused) -> list[Charge]:
        assert invoice.period_start is not None and invoice.period_end is not None
        period = (invoice.period_start, invoice.period_end)
        assert self.sub.ended_on is not None
        return [credit_line((start, end, await plan_of(self.session, plan_id)), period,
                            invoice.number, self.sub.ended_on)
                for start, end, plan_id in unused.credited]

    async def _note(self, invoice: Invoice, unused: Unused, today: date) -> Invoice | None:
        await self.session.refresh(invoice)  # paid and credited as committed now
        credited = await invoices_repo.credited_total(self.session, invoice.id)
        remaining = invoice.total_minor - credited
        if remaining <= 0:
            return None  # credited in full already
        rate, cur = invoice.tax_rate or Decimal(0), invoice.currency
        found = await self._lines(invoice, unused)
        if sum(totals(found, rate, cur)) > remaining:
            found = [self._capped(found, remaining, rate, cur, invoice.number)]
        note = Invoice(tenant_id=invoice.tenant_id, customer_id=invoice.customer_id,
                       subscription_id=self.sub.id, kind="credit_note",
                       credits_invoice_id=invoice.id, currency=cur,
                       tax_jurisdiction=invoice.tax_jurisdiction, tax_rate=invoice.tax_rate)
        self.session.add(note)
        await self.session.flush()
        self._add_lines(note, found, rate)
        applied = min(note.total_minor, max(invoice_open(invoice), 0))
        invoice.credited_minor += applied
        assert invoice.period_start is not None
        self.session.add(BilledPeriod(tenant_id=invoice.tenant_id, subscription_id=self.sub.id,
                                      period_start=invoice.period_start, invoice_id=note.id,
                                      plans=unused.kept))
        await Invoicing(self.session, invoice.tenant_id).finalize(note, today)
        if note.total_minor > applied:
            self._to_credit_balance(note, note.total_minor - applied, today)
        return note

    @staticmethod
    def _capped(found: list[Charge], remaining: int, rate: Decimal, cur: str,
                number: int | None) -> Charge:
        """One line of the largest credit that fits what the invoice has left to credit."""
        net = from_minor(capped_net(remaining, rate, cur), cur)
        unused = from_minor(sum(totals(found, rate, cur)), cur)
        days = "; ".join(c.description.split(" (")[0].removeprefix("Unused ") for c in found)
        return Charge("credit", f"Unused {days}: {unused} {cur} with tax, limited to the "
                      f"{from_minor(remaining, cur)} {cur} of invoice {number} not yet "
                      "credited", Decimal(1), net, net)

    def _add_lines(self, note: Invoice, found: list[Charge], rate: Decimal) -> None:
        for n, c in enumerate(found):
            self.session.add(InvoiceLine(
                tenant_id=note.tenant_id, invoice_id=note.id, position=n, kind=c.kind,
                description=c.description[:300], quantity=c.quantity, unit_price=c.unit_price,
                exact=c.exact, amount_minor=to_minor(c.exact, note.currency)))
        note.subtotal_minor, note.tax_minor = totals(found, rate, note.currency)
        note.total_minor = note.subtotal_minor + note.tax_minor

    def _to_credit_balance(self, note: Invoice, amount: int, today: date) -> None:
        """The credit over what was still owed on the invoice (it was paid) is credit
        balance: no ledger entry of its own, the note's negative entry is it."""
        self.session.add(Payment(tenant_id=note.tenant_id, customer_id=note.customer_id,
                                 amount_minor=amount, currency=note.currency, method="credit",
                                 reference=f"credit:credit-note-{note.number}",
                                 received_on=today, unallocated_minor=amount))
