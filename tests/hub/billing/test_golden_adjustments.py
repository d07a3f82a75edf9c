"""Golden scenarios: a plan change inside a period already invoiced (billed in advance).

The next billing run credits the plan billed and charges the plan now in force for the
changed days, each `price x days / days in the period` rounded once HALF_UP, on the
invoice it makes for the subscription; running it again adds nothing. Dates are explicit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest_asyncio
from sqlalchemy import func, select

from hub.billing.models import BilledPeriod, Invoice, Payment
from hub.billing.payments import invoice_open
from hub.billing.repository import balance, credit_balance, invoice_lines, open_invoices
from tests.hub.billing.books import Books, open_books
from tests.hub.harness import Hub

MARCH, MAY, JUNE, JULY, AUGUST = (date(2026, m, 1) for m in (3, 5, 6, 7, 8))
Lines = list[tuple[str, int]]


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "adjust")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


async def _run(books: Books, period: date) -> list[tuple[Invoice, Lines]]:
    made = await books.invoicing.run(period, today=period)
    return [(i, [(line.kind, line.amount_minor) for line in
                 await invoice_lines(books.session, i.id)]) for i in made]


async def _one(books: Books, period: date) -> tuple[Invoice, Lines]:
    (found,) = await _run(books, period)
    return found


async def test_upgrade_after_the_period_was_invoiced_is_billed_once(books: Books) -> None:
    """Basic 30.00 from 1 May; June invoiced on 1 June at 30.00; upgrade to Pro 45.00 on
    16 June (15 of June's 30 days left). July invoice: Pro 45.00 for July, credit Basic
    30 x 15/30 = 15.00, charge Pro 45 x 15/30 = 22.50: 45.00 - 15.00 + 22.50 = 52.50.
    June as billed (30.00) plus the adjustment (7.50) is 15/30 x 30 + 15/30 x 45 = 37.50."""
    basic, pro = await books.plan(3000), await books.plan(4500)
    sub = await books.subscribe(await books.customer(), basic, MAY)
    june, lines = await _one(books, JUNE)
    assert lines == [("recurring", 3000)]
    await books.lifecycle.change_plan(sub, pro, date(2026, 6, 16))
    assert sub.adjustment_pending
    july, lines = await _one(books, JULY)
    assert lines == [("recurring", 4500), ("adjustment", -1500), ("adjustment", 2250)]
    assert july.total_minor == 5250 and not sub.adjustment_pending
    described = [line.description for line in await invoice_lines(books.session, july.id)]
    assert described[1].startswith(f"Credit {basic.name} 2026-06-16..2026-07-01 (15/30 days;")
    assert f"was on invoice {june.number}, plan changed to {pro.name}" in described[1]
    assert described[2].startswith(f"Charge {pro.name} 2026-06-16..2026-07-01 (15/30 days;")
    assert await _run(books, JULY) == []  # the run again: nothing new
    assert await _one(books, AUGUST) == (await _aug(books, sub.id), [("recurring", 4500)])


async def _aug(books: Books, sub_id: object) -> Invoice:
    query = select(Invoice).where(Invoice.subscription_id == sub_id,
                                  Invoice.period_start == AUGUST)
    return (await books.session.execute(query)).scalar_one()


async def test_downgrade_in_a_31_day_period_rounds_each_line_once(books: Books) -> None:
    """Pro 45.00 invoiced for March; downgrade to Basic 29.99 on 11 March (21 of 31 days
    left). April invoice: Basic 29.99, credit Pro 45 x 21/31 = 30.4838... -> -30.48,
    charge Basic 29.99 x 21/31 = 20.3158... -> 20.32; total 29.99 - 30.48 + 20.32 = 19.83.
    Tax 21 % of the unrounded sum 29.99 - 30.48387... + 20.31580... = 19.82193...:
    4.16260... -> 4.16."""
    await books.tax("BE", "0.21")
    pro, basic = await books.plan(4500), await books.plan(2999)
    sub = await books.subscribe(await books.customer("BE"), pro, date(2026, 2, 1))
    await _one(books, MARCH)
    await books.lifecycle.change_plan(sub, basic, date(2026, 3, 11))
    april, lines = await _one(books, date(2026, 4, 1))
    assert lines == [("recurring", 2999), ("adjustment", -3048), ("adjustment", 2032)]
    assert (april.subtotal_minor, april.tax_minor, april.total_minor) == (1983, 416, 2399)


async def test_two_changes_in_one_invoiced_period_adjust_each_stretch(books: Books) -> None:
    """Basic 30.00 invoiced for June; Pro 45.00 from 11 June, Max 60.00 from 21 June.
    July: Max 60.00; 11..21 June credit Basic 30 x 10/30 = 10.00, charge Pro 45 x 10/30 =
    15.00; 21 June..1 July credit Basic 10.00, charge Max 60 x 10/30 = 20.00. 75.00."""
    basic, pro, top = await books.plan(3000), await books.plan(4500), await books.plan(6000)
    sub = await books.subscribe(await books.customer(), basic, MAY)
    await _one(books, JUNE)
    await books.lifecycle.change_plan(sub, pro, date(2026, 6, 11))
    await books.lifecycle.change_plan(sub, top, date(2026, 6, 21))
    july, lines = await _one(books, JULY)
    assert lines == [("recurring", 6000), ("adjustment", -1000), ("adjustment", 1500),
                     ("adjustment", -1000), ("adjustment", 2000)]
    assert july.total_minor == 7500


async def test_a_change_after_the_adjustment_is_adjusted_against_it(books: Books) -> None:
    """Basic 30.00 invoiced for June; Pro 45.00 from 16 June, adjusted on July's invoice
    (billed: Basic to 16 June, Pro after). Then Basic again from 26 June (dated back): the
    August invoice credits Pro 45 x 5/30 = 7.50 and charges Basic 30 x 5/30 = 5.00 for
    26 June..1 July, and credits Pro 45 x 31/31 for July, charges Basic 30 x 31/31."""
    basic, pro = await books.plan(3000), await books.plan(4500)
    sub = await books.subscribe(await books.customer(), basic, MAY)
    await _one(books, JUNE)
    await books.lifecycle.change_plan(sub, pro, date(2026, 6, 16))
    await _one(books, JULY)
    await books.lifecycle.change_plan(sub, basic, date(2026, 6, 26))
    _, lines = await _one(books, AUGUST)
    assert lines == [("recurring", 3000), ("adjustment", -750), ("adjustment", 500),
                     ("adjustment", -4500), ("adjustment", 3000)]
    recorded = select(func.count()).select_from(BilledPeriod).where(
        BilledPeriod.subscription_id == sub.id, BilledPeriod.period_start == JUNE)
    assert (await books.session.execute(recorded)).scalar_one() == 3  # June, July, August


async def test_upgrade_then_end_is_billed_on_an_invoice_of_its_own(books: Books) -> None:
    """Basic 30.00 invoiced for June; Pro 45.00 from 16 June; terminated from 26 June (no
    term). The July run invoices the ended subscription for the adjustment only: credit
    Basic 30 x 10/30 = 10.00, charge Pro 45 x 10/30 = 15.00 (16..26 June): 5.00. The days
    after the end, billed in advance, come back on the termination's own credit note
    (docs/billing.md, "Termination credit"), so June still adds up to 30.00."""
    basic, pro = await books.plan(3000), await books.plan(4500)
    sub = await books.subscribe(await books.customer(), basic, MAY)
    await _one(books, JUNE)
    await books.lifecycle.change_plan(sub, pro, date(2026, 6, 16))
    await books.lifecycle.terminate(sub, date(2026, 6, 26))
    july, lines = await _one(books, JULY)
    assert lines == [("adjustment", -1000), ("adjustment", 1500)]
    assert july.total_minor == 500
    assert await _run(books, JULY) == [] and await _run(books, AUGUST) == []


async def test_a_large_downgrade_becomes_credit_balance(books: Books) -> None:
    """Max 90.00 invoiced for June (unpaid); Basic 30.00 from 2 June (29 of 30 days).
    July: Basic 30.00, credit Max 90 x 29/30 = 87.00, charge Basic 30 x 29/30 = 29.00:
    -28.00. The July invoice owes nothing; its 28.00 is credit balance, applied to June:
    June open 90.00 - 28.00 = 62.00 = the ledger balance."""
    top, basic = await books.plan(9000), await books.plan(3000)
    customer = await books.customer()
    sub = await books.subscribe(customer, top, MAY)
    june, _ = await _one(books, JUNE)
    await books.lifecycle.change_plan(sub, basic, date(2026, 6, 2))
    july, lines = await _one(books, JULY)
    assert lines == [("recurring", 3000), ("adjustment", -8700), ("adjustment", 2900)]
    assert (july.total_minor, invoice_open(july)) == (-2800, 0)
    credit = (await books.session.execute(select(Payment).where(
        Payment.customer_id == customer.id))).scalar_one()
    assert (credit.method, credit.amount_minor, credit.unallocated_minor) == ("credit", 2800, 0)
    assert [(i.id, invoice_open(i)) for i in await open_invoices(books.session, customer.id)
            ] == [(june.id, 6200)]
    owed = sum(invoice_open(i) for i in await open_invoices(books.session, customer.id))
    assert await balance(books.session, customer.id) == 6200 == owed - await credit_balance(
        books.session, customer.id)
    assert await books.ledger_sum(customer) == 9000 - 2800


async def test_a_change_in_a_period_not_yet_invoiced_is_prorated_not_adjusted(
        books: Books) -> None:
    """Basic 30.00 from 1 May, nothing invoiced for June yet; Pro 45.00 from 16 June. The
    June invoice prorates: 30 x 15/30 = 15.00 + 45 x 15/30 = 22.50; no adjustment lines."""
    basic, pro = await books.plan(3000), await books.plan(4500)
    sub = await books.subscribe(await books.customer(), basic, MAY)
    await _one(books, MAY)
    await books.lifecycle.change_plan(sub, pro, date(2026, 6, 16))
    assert not sub.adjustment_pending
    _, lines = await _one(books, JUNE)
    assert lines == [("proration", 1500), ("proration", 2250)]
    _, lines = await _one(books, JULY)
    assert lines == [("recurring", 4500)]
