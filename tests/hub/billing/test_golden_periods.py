"""Golden scenarios: quarterly and yearly billing periods with proration.

A plan bills per calendar month, quarter (starting January, April, July, October) or year.
A billing run for any day invoices each subscription for its period containing that day,
once; a partial period is prorated exactly like a month: `price x days / days in the
period`, rounded once HALF_UP (2026: Q1 90 days, Q3 92 days, the year 365 days; 2028 is a
leap year of 366 days). Dates are explicit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest_asyncio

from hub.billing.invoicing import billing_period
from hub.billing.models import Invoice
from hub.billing.repository import invoice_lines
from tests.hub.billing.books import Books, open_books
from tests.hub.harness import Hub

Lines = list[tuple[str, int]]


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "periods")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


async def _run(books: Books, day: date) -> list[tuple[Invoice, Lines]]:
    made = await books.invoicing.run(day, today=day)
    return [(i, [(line.kind, line.amount_minor) for line in
                 await invoice_lines(books.session, i.id)]) for i in made]


def test_periods_are_calendar_months_quarters_and_years() -> None:
    assert billing_period("month", date(2026, 2, 15)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert billing_period("quarter", date(2026, 2, 15)) == (date(2026, 1, 1), date(2026, 4, 1))
    assert billing_period("quarter", date(2026, 12, 31)) == (date(2026, 10, 1),
                                                             date(2027, 1, 1))
    assert billing_period("year", date(2026, 7, 1)) == (date(2026, 1, 1), date(2027, 1, 1))


async def test_a_quarterly_plan_prorates_its_first_and_last_quarter(books: Books) -> None:
    plan = await books.plan(9000, period="quarter")  # 90.00 a quarter
    sub = await books.subscribe(await books.customer(), plan, date(2026, 2, 15))
    # Q1 2026 is 90 days; February 15..April 1 is 45 of them: 90 x 45/90 = 45.00
    (q1, lines), = await _run(books, date(2026, 3, 1))
    assert (q1.period_start, q1.period_end, lines) == (date(2026, 1, 1), date(2026, 4, 1),
                                                       [("proration", 4500)])
    line, = await invoice_lines(books.session, q1.id)
    assert "(45/90 days)" in line.description
    assert await _run(books, date(2026, 2, 1)) == []  # the quarter is invoiced once
    (q2, lines), = await _run(books, date(2026, 4, 1))
    assert (q2.period_start, q2.period_end, lines) == (date(2026, 4, 1), date(2026, 7, 1),
                                                       [("recurring", 9000)])
    assert await _run(books, date(2026, 5, 1)) == [] and await _run(books, date(2026, 6, 1)) == []
    await books.lifecycle.terminate(sub, date(2026, 8, 16))
    # Q3 is 92 days; July 1..August 16 is 46 of them: 90 x 46/92 = 45.00
    (q3, lines), = await _run(books, date(2026, 7, 1))
    assert (q3.period_end, lines) == (date(2026, 10, 1), [("proration", 4500)])
    assert await _run(books, date(2026, 10, 1)) == []


async def test_monthly_and_quarterly_subscriptions_share_one_run(books: Books) -> None:
    customer = await books.customer()
    monthly = await books.subscribe(customer, await books.plan(3000), date(2026, 4, 1))
    quarterly = await books.subscribe(customer, await books.plan(9000, period="quarter"),
                                      date(2026, 4, 1), if_index=2)
    made = {i.subscription_id: (i.period_end, lines)
            for i, lines in await _run(books, date(2026, 4, 1))}
    assert made == {monthly.id: (date(2026, 5, 1), [("recurring", 3000)]),
                    quarterly.id: (date(2026, 7, 1), [("recurring", 9000)])}
    may = await _run(books, date(2026, 5, 1))  # the monthly one only
    assert [(i.subscription_id, lines) for i, lines in may] == [
        (monthly.id, [("recurring", 3000)])]


async def test_a_yearly_plan_prorates_and_adjusts_an_upgrade_on_the_next_year(
        books: Books) -> None:
    basic = await books.plan(12000, period="year")  # 120.00 a year
    sub = await books.subscribe(await books.customer(), basic, date(2026, 3, 1))
    # March 1..January 1 is 306 of 365 days: 120 x 306/365 = 100.6027... -> 100.60
    assert [lines for _, lines in await _run(books, date(2026, 3, 1))] == [
        [("proration", 10060)]]
    assert await _run(books, date(2026, 12, 1)) == []
    assert [lines for _, lines in await _run(books, date(2027, 1, 1))] == [
        [("recurring", 12000)]]
    premium = await books.plan(24000, period="year")
    await books.lifecycle.change_plan(sub, premium, date(2027, 7, 1))
    assert sub.adjustment_pending  # 2027 is invoiced in advance: the next invoice adjusts it
    # July 1..January 1 is 184 of 365 days: credit 120 x 184/365 = 60.4931... -> 60.49,
    # charge 240 x 184/365 = 120.9863... -> 120.99; then 2028 at the premium price
    (y2028, lines), = await _run(books, date(2028, 1, 1))
    assert lines == [("recurring", 24000), ("adjustment", -6049), ("adjustment", 12099)]
    assert y2028.total_minor == 24000 - 6049 + 12099
    assert await _run(books, date(2028, 6, 1)) == []


async def test_a_leap_year_prorates_over_366_days(books: Books) -> None:
    plan = await books.plan(24000, period="year")
    sub = await books.subscribe(await books.customer(), plan, date(2028, 1, 1))
    await books.lifecycle.terminate(sub, date(2028, 3, 1))
    # January 1..March 1 2028 is 60 of 366 days: 240 x 60/366 = 39.3442... -> 39.34
    (invoice, lines), = await _run(books, date(2028, 1, 1))
    assert (invoice.period_end, lines) == (date(2029, 1, 1), [("proration", 3934)])
