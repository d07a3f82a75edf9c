"""Golden scenarios: a termination inside periods already invoiced (billed in advance).

Each invoice that billed days from the end day on gets one credit note: per plan billed,
`price x unused days / days in the period` rounded once HALF_UP, tax once at the invoice's
rate, at most what the invoice has not been credited yet; numbered in the invoices' gapless
sequence; what was paid becomes credit balance. A minimum term keeps its days billed (the
early-termination charge is as before). Dates are explicit; each test is a fresh tenant, so
numbers start at 1. Plans: 29.99 EUR a month at 21 % VAT unless said.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest
import pytest_asyncio
from sqlalchemy import select

from hub.billing.models import Customer, Invoice, Payment
from hub.billing.payments import invoice_open
from hub.billing.repository import balance, credit_balance, invoice_lines
from hub.billing.termination import TerminationCredit, capped_net, split
from hub.errors import InvalidRequestError
from hub.events.models import OutboxEvent
from tests.hub.billing.books import Books, open_books
from tests.hub.billing.matrix import customer as api_customer
from tests.hub.billing.matrix import plan as api_plan
from tests.hub.harness import Hub

MAY, JUNE, JULY, AUGUST = (date(2026, m, 1) for m in (5, 6, 7, 8))
Lines = list[tuple[str, int]]


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "endcredit")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


async def _taxed(books: Books) -> Customer:
    jurisdiction = f"V{uuid.uuid4().hex[:6]}"
    await books.tax(jurisdiction, "0.21")
    return await books.customer(jurisdiction)


async def _run(books: Books, period: date) -> list[Invoice]:
    return await books.invoicing.run(period, today=period)


async def _lines(books: Books, invoice: Invoice) -> Lines:
    return [(x.kind, x.amount_minor) for x in await invoice_lines(books.session, invoice.id)]


async def _notes(books: Books, customer: Customer) -> list[Invoice]:
    return [i for i in await books.invoices(customer) if i.kind == "credit_note"]


async def _numbers(books: Books, customer: Customer) -> list[int | None]:
    return [i.number for i in await books.invoices(customer)]


async def _ledger_agrees(books: Books, customer: Customer, expected: int) -> None:
    """The ledger sum is `expected`, and it is open invoices minus unallocated credit."""
    owed = sum(max(invoice_open(i), 0) for i in await books.invoices(customer)
               if i.kind == "invoice")
    assert await books.ledger_sum(customer) == expected
    assert await balance(books.session, customer.id) == expected == owed - await credit_balance(
        books.session, customer.id)


async def test_monthly_mid_period_paid_in_advance_becomes_credit_balance(books: Books) -> None:
    """May and June invoiced and paid (29.99 + 6.30 = 36.29 each); ended 11 June: June
    11..July 1 is 20 of 30 days, 29.99 x 20/30 = 19.9933.. -> 19.99, tax 19.9933.. x 0.21 =
    4.1986 -> 4.20: credit note 3 of 24.19 against invoice 2, all of it credit balance
    (`credit:credit-note-3`); the ledger is -24.19. The July run bills nothing."""
    customer = await _taxed(books)
    sub = await books.subscribe(customer, await books.plan(2999), MAY)
    may, = await _run(books, MAY)
    june, = await _run(books, JUNE)
    assert (may.total_minor, june.total_minor) == (3629, 3629)
    await books.payments.record(customer, 7258, JUNE, reference="bank-may-june")
    note, = await books.lifecycle.terminate(sub, date(2026, 6, 11), today=date(2026, 6, 11))
    assert (note.number, note.kind, note.credits_invoice_id) == (3, "credit_note", june.id)
    assert (note.subtotal_minor, note.tax_minor, note.total_minor) == (1999, 420, 2419)
    assert (note.issued_on, note.subscription_id) == (date(2026, 6, 11), sub.id)
    line, = await invoice_lines(books.session, note.id)
    assert (line.kind, line.amount_minor, line.quantity) == ("credit", 1999,
                                                             Decimal("0.666667"))
    assert "2026-06-11..2026-07-01 (20/30 days" in line.description
    assert "invoice 2" in line.description
    credit = (await books.session.execute(select(Payment).where(
        Payment.customer_id == customer.id, Payment.method == "credit"))).scalar_one()
    assert (credit.reference, credit.unallocated_minor) == ("credit:credit-note-3", 2419)
    assert (june.paid_minor, june.credited_minor, invoice_open(june)) == (3629, 0, 0)
    await _ledger_agrees(books, customer, -2419)
    event = (await books.session.execute(select(OutboxEvent).where(
        OutboxEvent.tenant_id == books.tenant_id,
        OutboxEvent.type == "invoice.credit_note"))).scalar_one()
    assert event.payload["invoice_id"] == str(note.id)
    assert event.payload["credits_invoice_id"] == str(june.id)
    assert event.payload["total"] == "24.19" and event.payload["number"] == 3
    assert await _run(books, JULY) == []
    assert await _numbers(books, customer) == [1, 2, 3]


async def test_a_retried_termination_credits_once(books: Books) -> None:
    """The same end sent again is refused under the lock (nothing issued); a second credit
    pass over the subscription finds nothing left, since the note recorded the days."""
    customer = await _taxed(books)
    sub = await books.subscribe(customer, await books.plan(2999), MAY)
    june, = await _run(books, JUNE)
    note, = await books.lifecycle.terminate(sub, date(2026, 6, 11), today=date(2026, 6, 11))
    with pytest.raises(InvalidRequestError, match="cannot terminate while terminated"):
        await books.lifecycle.terminate(sub, date(2026, 6, 11), today=date(2026, 6, 12))
    assert await TerminationCredit(books.session, sub).issue(date(2026, 6, 11),
                                                             date(2026, 6, 12)) == []
    assert [n.id for n in await _notes(books, customer)] == [note.id]
    assert (june.credited_minor, invoice_open(june)) == (2419, 3629 - 2419)
    await _ledger_agrees(books, customer, 3629 - 2419)


async def test_not_yet_invoiced_nothing_is_credited_the_run_bills_to_the_end(
        books: Books) -> None:
    """Ended 11 June before the June run: no note; the June run bills 1..11 June,
    29.99 x 10/30 = 9.9966.. -> 10.00 (+ tax 2.0993.. -> 2.10), and July nothing."""
    customer = await _taxed(books)
    sub = await books.subscribe(customer, await books.plan(2999), MAY)
    assert len(await _run(books, MAY)) == 1
    assert await books.lifecycle.terminate(sub, date(2026, 6, 11),
                                           today=date(2026, 6, 11)) == []
    june, = await _run(books, JUNE)
    assert await _lines(books, june) == [("proration", 1000)]
    assert june.total_minor == 1210
    assert await _run(books, JULY) == []
    assert await _notes(books, customer) == []
    await _ledger_agrees(books, customer, 3629 + 1210)


async def test_quarterly_termination_credits_the_unused_days_of_the_quarter(
        books: Books) -> None:
    """90.00 a quarter (no tax), Q3 2026 (92 days) invoiced on 1 July, unpaid; ended
    16 August: August 16..October 1 is 46 days, 90 x 46/92 = 45.00, applied to what is
    open: Q3 owes 45.00 = the ledger balance (90 x 46/92 billed, as if ended first)."""
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(9000, period="quarter"),
                                date(2026, 4, 1))
    q3, = await _run(books, JULY)
    note, = await books.lifecycle.terminate(sub, date(2026, 8, 16), today=date(2026, 8, 16))
    assert await _lines(books, note) == [("credit", 4500)] and note.total_minor == 4500
    line, = await invoice_lines(books.session, note.id)
    assert "(46/92 days; period 2026-07-01..2026-10-01 on invoice 1" in line.description
    assert (q3.credited_minor, invoice_open(q3)) == (4500, 4500)
    assert await credit_balance(books.session, customer.id) == 0
    await _ledger_agrees(books, customer, 4500)
    assert await _run(books, date(2026, 10, 1)) == []
    assert await _numbers(books, customer) == [1, 2]


async def test_yearly_termination_in_a_leap_year(books: Books) -> None:
    """240.00 a year (no tax), 2028 (366 days) invoiced on 1 January 2028; ended 1 March:
    March 1..January 1 2029 is 306 days, 240 x 306/366 = 200.6557.. -> 200.66. Kept:
    240.00 - 200.66 = 39.34, the proration of 60/366 days had it ended before the run."""
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(24000, period="year"),
                                date(2027, 1, 1))
    y2028, = await _run(books, date(2028, 1, 1))
    note, = await books.lifecycle.terminate(sub, date(2028, 3, 1), today=date(2028, 3, 1))
    assert await _lines(books, note) == [("credit", 20066)]
    line, = await invoice_lines(books.session, note.id)
    assert "(306/366 days" in line.description
    assert invoice_open(y2028) == 24000 - 20066 == 3934
    await _ledger_agrees(books, customer, 3934)


async def test_termination_on_the_first_day_credits_each_invoiced_period_in_full(
        books: Books) -> None:
    """May, June and July invoiced (36.29 each, unpaid); ended 1 June: June and July are
    credited in full (29.99 + 6.30 each), notes 4 and 5 against invoices 2 and 3; May is
    what is owed."""
    customer = await _taxed(books)
    sub = await books.subscribe(customer, await books.plan(2999), MAY)
    for period in (MAY, JUNE, JULY):
        await _run(books, period)
    june_note, july_note = await books.lifecycle.terminate(sub, JUNE, today=date(2026, 6, 2))
    _, june, july = (i for i in await books.invoices(customer) if i.kind == "invoice")
    assert [(n.number, n.credits_invoice_id, n.subtotal_minor, n.tax_minor, n.total_minor)
            for n in (june_note, july_note)] == [(4, june.id, 2999, 630, 3629),
                                                 (5, july.id, 2999, 630, 3629)]
    assert await _lines(books, june_note) == [("credit", 2999)]
    assert (invoice_open(june), invoice_open(july)) == (0, 0)
    assert await _run(books, AUGUST) == []
    assert await _numbers(books, customer) == [1, 2, 3, 4, 5]
    await _ledger_agrees(books, customer, 3629)


async def test_the_minimum_term_keeps_its_days_and_charges_as_before(books: Books) -> None:
    """30.00 (no tax), 12 months from 15 January 2026 (term ends 15 January 2027), June
    invoiced; ended 10 June: June's days are inside the term, so nothing is credited and
    the July invoice has the charge from 1 July as before, 30 x (6 + 14/31) = 193.55;
    30.00 + 193.55 = 223.55, what ending before the June run costs."""
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(3000, minimum_term_periods=12),
                                date(2026, 1, 15))
    await _run(books, JUNE)
    assert await books.lifecycle.terminate(sub, date(2026, 6, 10),
                                           today=date(2026, 6, 10)) == []
    assert sub.termination_fee_pending
    july, = await _run(books, JULY)
    assert await _lines(books, july) == [("termination", 19355)]
    await _ledger_agrees(books, customer, 3000 + 19355)


async def test_a_term_ending_inside_the_invoiced_period_credits_the_days_after_it(
        books: Books) -> None:
    """30.00, 5 months from 15 January 2026: the term ends 15 June. June invoiced; ended
    10 June: June 10..15 stay billed (the term), June 15..July 1 is credited, 30 x 16/30 =
    16.00; no early-termination charge is left (the invoiced days cover the term)."""
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(3000, minimum_term_periods=5),
                                date(2026, 1, 15))
    assert sub.term_ends_on == date(2026, 6, 15)
    await _run(books, JUNE)
    note, = await books.lifecycle.terminate(sub, date(2026, 6, 10), today=date(2026, 6, 10))
    assert await _lines(books, note) == [("credit", 1600)]
    line, = await invoice_lines(books.session, note.id)
    assert "2026-06-15..2026-07-01 (16/30 days" in line.description
    assert not sub.termination_fee_pending
    assert await _run(books, JULY) == []
    await _ledger_agrees(books, customer, 3000 - 1600)


async def test_a_waived_term_credits_from_the_end_day(books: Books) -> None:
    """The same 12-month term waived: no charge, and June 10..July 1 is credited,
    30 x 21/30 = 21.00."""
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(3000, minimum_term_periods=12),
                                date(2026, 1, 15))
    await _run(books, JUNE)
    note, = await books.lifecycle.terminate(sub, date(2026, 6, 10), waived_by=uuid.uuid4(),
                                            today=date(2026, 6, 10))
    assert await _lines(books, note) == [("credit", 2100)]
    assert not sub.termination_fee_pending
    assert await _run(books, JULY) == []
    await _ledger_agrees(books, customer, 900)


async def test_an_invoice_credited_in_part_is_credited_at_most_what_remains(
        books: Books) -> None:
    """June 36.29 (unpaid) credited 20.00 + 4.20 = 24.20 by staff (note 2): 12.09 remains.
    Ended 11 June, the unused 19.99 + 4.20 = 24.19 is over it: note 3 has one line of the
    largest net that fits with its tax, 9.99 + 2.10 (9.99 x 0.21 = 2.0979) = 12.09. June
    is then fully credited and the ledger is 0."""
    customer = await _taxed(books)
    sub = await books.subscribe(customer, await books.plan(2999), MAY)
    june, = await _run(books, JUNE)
    staff = await books.invoicing.credit_note(june, Decimal("20.00"), "outage 3 June",
                                              date(2026, 6, 5))
    assert (staff.number, staff.total_minor) == (2, 2420)
    note, = await books.lifecycle.terminate(sub, date(2026, 6, 11), today=date(2026, 6, 11))
    assert (note.number, note.subtotal_minor, note.tax_minor, note.total_minor) == (
        3, 999, 210, 1209)
    line, = await invoice_lines(books.session, note.id)
    assert "limited to the 12.09 EUR of invoice 1 not yet credited" in line.description
    assert (june.credited_minor, invoice_open(june)) == (3629, 0)
    await _ledger_agrees(books, customer, 0)
    assert await _numbers(books, customer) == [1, 2, 3]


async def test_an_invoice_credited_in_full_gets_no_note(books: Books) -> None:
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(3000), MAY)
    june, = await _run(books, JUNE)
    await books.invoicing.credit_note(june, Decimal("30.00"), "goodwill", date(2026, 6, 5))
    assert await books.lifecycle.terminate(sub, date(2026, 6, 11),
                                           today=date(2026, 6, 11)) == []
    assert await _numbers(books, customer) == [1, 2]
    await _ledger_agrees(books, customer, 0)


async def test_dunning_termination_reduces_what_dunning_chases(books: Books) -> None:
    """June 36.29 unpaid, due 15 June; the dunning run of 25 June throttles (10 days);
    the subscription is terminated for non-payment on 26 June: June 26..July 1 is 5/30,
    29.99 x 5/30 = 4.9983.. -> 5.00, tax 1.0496.. -> 1.05: 6.05 off the open amount,
    30.24 still owed; the suspend step of 5 July is taken on it (no network action, the
    subscription is terminated) and a payment of 30.24 settles everything."""
    customer = await _taxed(books)
    sub = await books.subscribe(customer, await books.plan(2999), MAY)
    june, = await _run(books, JUNE)
    steps = await books.dunning.run(date(2026, 6, 25))
    assert [s.step for s in steps] == ["reminder", "throttle"]
    assert (sub.status, sub.suspend_reason) == ("suspended", "dunning")
    note, = await books.dunning.lifecycle.terminate(sub, date(2026, 6, 26),
                                                    today=date(2026, 6, 26))
    assert (note.subtotal_minor, note.tax_minor, note.total_minor) == (500, 105, 605)
    assert invoice_open(june) == 3629 - 605 == 3024
    await _ledger_agrees(books, customer, 3024)
    actions = await books.actions(sub)
    assert [s.step for s in await books.dunning.run(date(2026, 7, 5))] == ["suspend"]
    assert await books.actions(sub) == actions and sub.status == "terminated"
    await books.payments.record(customer, 3024, date(2026, 7, 6), reference="bank-june")
    assert invoice_open(june) == 0
    await _ledger_agrees(books, customer, 0)
    assert await _numbers(books, customer) == [1, 2]


async def test_a_plan_change_then_an_end_in_the_invoiced_period_add_up(books: Books) -> None:
    """Basic 30.00 invoiced for June; Pro 45.00 from 16 June; ended 26 June. The end
    credits Basic (the plan billed) for June 26..July 1, 30 x 5/30 = 5.00; the July run
    adjusts 16..26 June only (-10.00 Basic, +15.00 Pro): 30 - 5 - 10 + 15 = 30.00 =
    Basic 15/30 x 30 + Pro 10/30 x 45, each day billed once."""
    customer = await books.customer()
    basic, pro = await books.plan(3000), await books.plan(4500)
    sub = await books.subscribe(customer, basic, MAY)
    await _run(books, JUNE)
    await books.lifecycle.change_plan(sub, pro, date(2026, 6, 16))
    note, = await books.lifecycle.terminate(sub, date(2026, 6, 26), today=date(2026, 6, 26))
    assert await _lines(books, note) == [("credit", 500)]
    july, = await _run(books, JULY)
    assert await _lines(books, july) == [("adjustment", -1000), ("adjustment", 1500)]
    await _ledger_agrees(books, customer, 3000)


async def test_two_terminations_at_once_through_the_api_credit_once(hub: Hub) -> None:
    """Two hub requests end the same subscription at the same time: one is applied, the
    other refused (422) once it holds the lock; one credit note (30 x 20/30 = 20.00)."""
    owner = await hub.new_tenant("endrace")
    buyer, offer = await api_customer(hub, owner), await api_plan(hub, owner)
    sub = await hub.post(owner, "/billing/subscriptions", {"customer_id": buyer["id"],
                                                           "plan_id": offer["id"]})
    path = f"/billing/subscriptions/{sub['id']}/transitions"
    await hub.post(owner, path, {"action": "activate", "on": "2026-05-01"})
    await hub.post(owner, "/billing/runs", {"period": "2026-06-01", "today": "2026-06-01"})
    end = {"action": "terminate", "on": "2026-06-11"}
    answers = await asyncio.gather(*(hub.client.post(path, json=end, headers=owner.headers)
                                     for _ in range(2)))
    assert sorted(r.status_code for r in answers) == [200, 422], [r.text for r in answers]
    resp = await hub.client.get("/billing/invoices", params={"customer_id": buyer["id"]},
                                headers=owner.headers)
    docs = resp.json()["data"]
    notes = [d for d in docs if d["kind"] == "credit_note"]
    assert len(notes) == 1 and notes[0]["total_minor"] == 2000, docs
    assert sorted(d["number"] for d in docs) == [1, 2]


def test_split_keeps_the_days_before_the_credit_start() -> None:
    plan = str(uuid.uuid4())
    found = split([["2026-06-01", "2026-06-16", plan], ["2026-06-16", "2026-07-01", plan]],
                  date(2026, 6, 11))
    assert found.kept == [["2026-06-01", "2026-06-11", plan]]
    assert [(a.day, b.day) for a, b, _ in found.credited] == [(11, 16), (16, 1)]


@pytest.mark.parametrize(("remaining", "net"), [(1209, 999), (1210, 1000), (1, 1), (0, 0)])
def test_capped_net_is_the_largest_that_fits_with_its_tax(remaining: int, net: int) -> None:
    assert capped_net(remaining, Decimal("0.21"), "EUR") == net
