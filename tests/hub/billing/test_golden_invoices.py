"""Golden invoicing scenarios with a controllable clock (dates passed explicitly)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest_asyncio

from hub.billing.charges import Charge
from hub.billing.models import Invoice
from hub.billing.network import network_state, out_of_sync, record_outcome
from hub.billing.repository import count_invoices, invoice_lines
from hub.db import utcnow
from tests.hub.billing.books import Books, open_books, utc
from tests.hub.harness import Hub

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "golden")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


async def _only(books: Books, period: date = MARCH) -> tuple[Invoice, list[tuple[str, int]]]:
    made = await books.invoicing.run(period, today=period)
    assert len(made) == 1
    lines = await invoice_lines(books.session, made[0].id)
    return made[0], [(line.kind, line.amount_minor) for line in lines]


async def test_new_subscriber_mid_month_is_prorated_with_setup_fee_and_tax(books: Books) -> None:
    await books.tax("BE", "0.21")
    customer = await books.customer("BE")
    plan = await books.plan(3000, setup_fee_minor=5000)
    await books.subscribe(customer, plan, date(2026, 3, 15))
    invoice, lines = await _only(books)
    # 17 of 31 days: 30.00 x 17 / 31 = 16.4516... -> 16.45
    assert lines == [("proration", 1645), ("setup", 5000)]
    # tax from unrounded amounts: (16.4516129... + 50) x 0.21 = 13.9548... -> 13.95
    assert (invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor) == (6645, 1395, 8040)
    assert invoice.status == "finalized" and invoice.number is not None


async def test_upgrade_then_downgrade_mid_period_prorates_each_plan(books: Books) -> None:
    customer = await books.customer()
    basic, fast = await books.plan(3000), await books.plan(4500, down_kbps=500_000)
    sub = await books.subscribe(customer, basic, date(2026, 2, 1))
    await books.lifecycle.change_plan(sub, fast, date(2026, 3, 11))
    await books.lifecycle.change_plan(sub, basic, date(2026, 3, 21))
    invoice, lines = await _only(books)
    # 10/31 x 30.00 = 9.677 -> 9.68; 10/31 x 45.00 = 14.516 -> 14.52; 11/31 x 30 = 10.645 -> 10.65
    assert lines == [("proration", 968), ("proration", 1452), ("proration", 1065)]
    assert invoice.total_minor == 3485 and invoice.tax_minor == 0
    assert await books.actions(sub) == [("activate", None), ("change_speed", None),
                                        ("change_speed", None)]


async def test_suspend_and_resume_request_network_actions_and_flag_disagreement(
        books: Books) -> None:
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(3000), date(2026, 2, 1))
    await books.lifecycle.suspend(sub, date(2026, 3, 5), "throttle")
    assert sub.status == "suspended"
    assert await out_of_sync(books.session, sub)  # nothing confirmed by the network yet
    for action_id in await _action_ids(books, sub):
        await record_outcome(books.session, action_id, True, utcnow())
    await books.session.flush()
    assert await network_state(books.session, sub) == "suspended"
    assert not await out_of_sync(books.session, sub)
    await books.lifecycle.resume(sub, date(2026, 3, 9))
    assert sub.status == "active" and await out_of_sync(books.session, sub)
    assert await books.actions(sub) == [("activate", None), ("suspend", "throttle"),
                                        ("resume", None)]
    _, lines = await _only(books)
    assert lines == [("recurring", 3000)]  # suspension does not stop the recurring charge


async def _action_ids(books: Books, sub: object) -> list[object]:
    from sqlalchemy import select

    from hub.billing.models import NetworkAction
    query = select(NetworkAction.id).where(NetworkAction.subscription_id == sub.id)  # type: ignore[attr-defined]
    return list((await books.session.execute(query.order_by(NetworkAction.created_at))).scalars())


async def test_termination_bills_until_the_end_day_and_nothing_after(books: Books) -> None:
    customer = await books.customer()
    sub = await books.subscribe(customer, await books.plan(3000), date(2026, 2, 1))
    await books.lifecycle.terminate(sub, date(2026, 3, 20))
    _, lines = await _only(books)
    assert lines == [("proration", 1839)]  # 19/31 x 30.00 = 18.387 -> 18.39
    assert await books.invoicing.run(APRIL, today=APRIL) == []
    assert (await books.actions(sub))[-1] == ("terminate", None)


async def test_gb_overage_from_rollups_in_decimal_gigabytes(books: Books) -> None:
    customer = await books.customer()
    plan = await books.plan(3000, usage_kind="gb", gb_cap=Decimal(100),
                            overage_per_gb=Decimal("0.50"))
    await books.subscribe(customer, plan, date(2026, 2, 1), if_index=7)
    await books.rollups(7, utc(date(2026, 3, 10)), [(100_000_000_000, 23_456_789_000)])
    await books.rollups(7, utc(APRIL), [(999_000_000_000, 0)])  # next period: ignored
    invoice, lines = await _only(books)
    # 123.456789 GB - 100 GB cap = 23.456789 GB x 0.50 = 11.7283945 -> 11.73
    assert lines == [("recurring", 3000), ("usage", 1173)]
    usage = (await invoice_lines(books.session, invoice.id))[-1]
    assert usage.quantity == Decimal("23.456789") and "123.456789 GB" in usage.description


def reference_vector() -> list[tuple[int, int]]:
    """20 buckets whose p95 (19th smallest) is 0.653 Mb/s in and 1.435 Mb/s out.

    bytes = bps x 300 / 8; everything below the 19th value is smaller, the 20th larger.
    """
    ins = [30_000 * k for k in range(1, 19)] + [653_000, 900_000]
    outs = [50_000 * k for k in range(1, 19)] + [1_435_000, 2_000_000]
    return [(i * 300 // 8, o * 300 // 8) for i, o in zip(ins[::-1], outs, strict=True)]


async def test_95th_percentile_overage_on_the_reference_vector(books: Books) -> None:
    customer = await books.customer()
    plan = await books.plan(10000, usage_kind="p95", committed_mbps=Decimal(1),
                            price_per_mbps=Decimal("10.00"))
    await books.subscribe(customer, plan, date(2026, 2, 1), if_index=9)
    await books.rollups(9, utc(date(2026, 3, 10)), reference_vector())
    invoice, lines = await _only(books)
    # billable = max(0.653, 1.435) = 1.435 Mb/s; 0.435 over the commit x 10.00 = 4.35
    assert lines == [("recurring", 10000), ("usage", 435)]
    usage = (await invoice_lines(books.session, invoice.id))[-1]
    assert usage.quantity == Decimal("0.435")
    assert "in 0.653" in usage.description and "out 1.435" in usage.description


async def test_many_small_lines_tax_is_computed_from_unrounded_amounts(books: Books) -> None:
    await books.tax("NL", "0.21")
    customer = await books.customer("NL")
    item = Decimal("0.125")
    draft = await books.invoicing.manual(customer, [
        Charge("usage", f"SMS {n}", Decimal(1), item, item) for n in range(10)])
    lines = await invoice_lines(books.session, draft.id)
    assert [line.amount_minor for line in lines] == [13] * 10  # 0.125 -> 0.13 (HALF_UP)
    # 10 x 0.125 = 1.25 x 0.21 = 0.2625 -> 0.26 (rounded lines would give 1.30 x 0.21 -> 0.27)
    assert (draft.subtotal_minor, draft.tax_minor, draft.total_minor) == (130, 26, 156)


async def test_billing_run_twice_creates_nothing_new_and_numbers_are_gapless(
        books: Books) -> None:
    plan = await books.plan(2500)
    for _ in range(3):
        await books.subscribe(await books.customer(), plan, date(2026, 2, 1))
    before = await count_invoices(books.session, books.tenant_id)
    first = await books.invoicing.run(MARCH, today=MARCH)
    again = await books.invoicing.run(MARCH, today=MARCH)
    assert again == [] and await count_invoices(books.session, books.tenant_id) == before + 3
    numbers = sorted(i.number for i in first if i.number is not None)
    assert numbers == list(range(numbers[0], numbers[0] + 3))
