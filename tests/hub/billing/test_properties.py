"""Property tests: proration splits and the ledger invariant."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal

import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.billing.charges import Charge
from hub.billing.models import Customer, Payment, Refund
from hub.billing.money import from_minor, prorate, to_minor
from hub.billing.payments import invoice_open
from hub.billing.repository import balance, credit_balance, open_invoices
from tests.hub.billing.books import Books, open_books
from tests.hub.harness import Hub


@given(price=st.integers(1, 10_000_000), days=st.integers(28, 31),
       cuts=st.lists(st.integers(1, 30), max_size=2, unique=True))
def test_proration_splits_sum_to_the_full_charge_within_one_minor_unit(
        price: int, days: int, cuts: list[int]) -> None:
    start = date(2026, 1, 1)
    end = start + timedelta(days=days)
    edges = [start, *sorted(start + timedelta(days=c) for c in cuts if c < days), end]
    amount = from_minor(price, "EUR")
    parts = [to_minor(prorate(amount, a, b, start, end), "EUR")
             for a, b in itertools.pairwise(edges)]
    assert abs(sum(parts) - price) <= 1


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "ledger")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


OPS = st.lists(st.tuples(st.sampled_from(["invoice", "pay", "credit", "refund"]),
                         st.integers(1, 20_000)), min_size=1, max_size=8)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=OPS)
async def test_ledger_balance_equals_invoiced_minus_paid_minus_credited(
        books: Books, ops: list[tuple[str, int]]) -> None:
    customer = await books.customer()
    day = date(2026, 1, 1)
    for op, amount in ops:
        day += timedelta(days=1)
        await _apply(books, customer, op, amount, day)
    await books.session.flush()
    ledger = await balance(books.session, customer.id)
    assert ledger == await books.ledger_sum(customer)
    assert ledger == await _from_documents(books, customer)
    owed = sum(invoice_open(i) for i in await open_invoices(books.session, customer.id))
    assert ledger == owed - await credit_balance(books.session, customer.id)


async def _apply(books: Books, customer: Customer, op: str, amount: int, day: date) -> None:
    if op == "invoice":
        value = from_minor(amount, "EUR")
        draft = await books.invoicing.manual(customer, [Charge("usage", "u", Decimal(1),
                                                               value, value)])
        await books.invoicing.finalize(draft, day)
    elif op == "pay":
        await books.payments.record(customer, amount, day)
    elif op == "credit":
        candidates = await open_invoices(books.session, customer.id)
        if candidates:
            target = candidates[0]
            await books.invoicing.credit_note(target, from_minor(
                min(amount, invoice_open(target)), "EUR"), "goodwill", day)
    else:
        available = await credit_balance(books.session, customer.id)
        if available:
            await books.payments.refund(customer, min(amount, available), day)


async def _from_documents(books: Books, customer: Customer) -> int:
    """invoiced - paid - credited (+ refunded), recomputed from the source documents."""
    invoices = await books.invoices(customer)
    invoiced = sum(i.total_minor for i in invoices if i.kind == "invoice")
    credited = sum(i.total_minor for i in invoices if i.kind == "credit_note")
    paid = sum(p.amount_minor for p in await _all(books, Payment, customer))
    refunded = sum(r.amount_minor for r in await _all(books, Refund, customer))
    return invoiced - paid - credited + refunded


async def _all(books: Books, model: type[Payment] | type[Refund], customer: Customer,
               ) -> list[Payment] | list[Refund]:
    from sqlalchemy import select
    rows = await books.session.execute(select(model).where(model.customer_id == customer.id))
    return list(rows.scalars())



