"""Golden payment and dunning scenarios with a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal

import pytest_asyncio

from hub.billing.charges import Charge
from hub.billing.models import Customer, Invoice
from hub.billing.payments import invoice_open
from hub.billing.repository import balance, credit_balance
from tests.hub.billing.books import Books, open_books
from tests.hub.harness import Hub

MARCH = date(2026, 3, 1)


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "payments")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


async def _invoice(books: Books, customer: Customer, amount: str, today: date) -> Invoice:
    value = Decimal(amount)
    draft = await books.invoicing.manual(customer, [Charge("usage", "x", Decimal(1), value,
                                                           value)])
    return await books.invoicing.finalize(draft, today)


async def test_one_payment_across_several_invoices_oldest_first(books: Books) -> None:
    customer = await books.customer()
    older = await _invoice(books, customer, "40.00", date(2026, 1, 1))
    newer = await _invoice(books, customer, "30.00", date(2026, 2, 1))
    await books.payments.record(customer, 5500, date(2026, 2, 20), reference="bank-1")
    assert (older.paid_minor, invoice_open(older)) == (4000, 0)
    assert (newer.paid_minor, invoice_open(newer)) == (1500, 1500)
    assert await balance(books.session, customer.id) == 1500 == await books.ledger_sum(customer)


async def test_payment_allocated_to_a_named_invoice_first(books: Books) -> None:
    customer = await books.customer()
    older = await _invoice(books, customer, "40.00", date(2026, 1, 1))
    newer = await _invoice(books, customer, "30.00", date(2026, 2, 1))
    await books.payments.record(customer, 3000, date(2026, 2, 20), allocations=[(newer, 3000)])
    assert invoice_open(newer) == 0 and invoice_open(older) == 4000


async def test_overpayment_becomes_credit_used_by_the_next_invoice_and_refundable(
        books: Books) -> None:
    customer = await books.customer()
    first = await _invoice(books, customer, "25.00", MARCH)
    await books.payments.record(customer, 4000, date(2026, 3, 5))
    assert invoice_open(first) == 0
    assert await credit_balance(books.session, customer.id) == 1500
    assert await balance(books.session, customer.id) == -1500  # in the customer's favour
    second = await _invoice(books, customer, "10.00", date(2026, 4, 1))
    assert invoice_open(second) == 0  # settled from the credit balance on finalization
    await books.payments.refund(customer, 500, date(2026, 4, 2))
    assert await credit_balance(books.session, customer.id) == 0
    assert await balance(books.session, customer.id) == 0 == await books.ledger_sum(customer)


async def test_credit_note_corrects_a_finalized_invoice(books: Books) -> None:
    customer = await books.customer()
    invoice = await _invoice(books, customer, "50.00", MARCH)
    note = await books.invoicing.credit_note(invoice, Decimal("20.00"), "outage", MARCH)
    assert note.kind == "credit_note" and note.number == invoice.number + 1  # type: ignore[operator]
    assert invoice_open(invoice) == 3000 and invoice.total_minor == 5000  # original unchanged
    assert await balance(books.session, customer.id) == 3000


async def test_dunning_timeline_suspends_then_payment_requests_resume(books: Books) -> None:
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(3000), date(2026, 2, 1))
    (invoice,) = await books.invoicing.run(MARCH, today=MARCH)  # due 2026-03-15
    policy = await books.dunning.policy()
    policy.reminder_days, policy.throttle_days, policy.suspend_days = 3, 10, 20
    policy.mode, policy.quiet_weekdays = "disconnect", [5, 6]  # never on weekends
    policy.holidays = ["2026-03-25", "2026-04-06"]
    timeline = []
    day = date(2026, 3, 16)
    while day <= date(2026, 4, 10):
        timeline += [(s.taken_on, s.step) for s in await books.dunning.run(day)]
        day += timedelta(days=1)
    # day 3 = Wed 18th; day 10 = 25th is a holiday -> 26th; day 20 = Sat 4 Apr, Sunday,
    # Easter Monday holiday -> Tuesday 7 Apr
    assert timeline == [(date(2026, 3, 18), "reminder"), (date(2026, 3, 26), "throttle"),
                        (date(2026, 4, 7), "suspend")]
    assert sub.status == "suspended" and sub.suspend_reason == "dunning"
    await books.payments.record(customer, invoice.total_minor, date(2026, 4, 8))
    assert sub.status == "active"
    assert await books.actions(sub) == [("activate", None), ("suspend", "throttle"),
                                        ("suspend", "disconnect"), ("resume", None)]
    assert await books.dunning.run(date(2026, 4, 9)) == []


async def test_csv_import_is_idempotent_and_reports_bad_rows(books: Books) -> None:
    customer = await books.customer()
    await _invoice(books, customer, "12.00", MARCH)
    text = ("customer_id,amount,date,reference\n"
            f"{customer.id},12.00,2026-03-03,csv-1\n"
            f"{customer.id},1.001,2026-03-03,csv-2\n")
    known = {customer.id: customer}
    first = await books.payments.import_csv(text, known)
    assert len(first.created) == 1 and first.duplicates == 0
    assert len(first.errors) == 1 and "line 3" in first.errors[0]
    again = await books.payments.import_csv(text, known)
    assert again.created == [] and again.duplicates == 1
    assert await balance(books.session, customer.id) == 0
