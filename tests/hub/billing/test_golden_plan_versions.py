"""Golden scenarios: a plan's price changes as a new version.

Plan "Fibre" at 30.00 a month; version 2 at 35.00 from 1 June 2026. The money fields of a
version never change: a subscription on version 1 keeps 30.00 until it is moved (a plan
change, alone or for every subscription at once), and the move is prorated and adjusted
like any plan change. A subscription made from 1 June gets version 2. Dates are explicit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
import pytest_asyncio

from hub.billing import schemas as s
from hub.billing.catalogue import Catalogue
from hub.billing.models import Plan
from hub.billing.repository import invoice_lines
from hub.errors import ConflictError
from tests.hub.billing.books import Books, open_books
from tests.hub.harness import Hub

JUNE, JULY = date(2026, 6, 1), date(2026, 7, 1)


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "versions")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


def _catalogue(books: Books) -> Catalogue:
    return Catalogue(books.session, books.tenant_id, books.lifecycle)


async def _versioned(books: Books, v2_price: int = 3500, term: int = 0) -> tuple[Plan, Plan]:
    v1 = await books.plan(3000, name="Fibre", minimum_term_periods=term)
    v2 = await _catalogue(books).add_plan_version(
        v1.id, s.PlanVersionCreate(price_minor=v2_price, effective_from=JUNE))
    return v1, v2


async def _lines(books: Books, day: date) -> dict[object, list[tuple[str, int]]]:
    made = await books.invoicing.run(day, today=day)
    return {i.subscription_id: [(x.kind, x.amount_minor)
                                for x in await invoice_lines(books.session, i.id)]
            for i in made}


async def test_existing_subscriptions_keep_their_price_until_moved(books: Books) -> None:
    v1, v2 = await _versioned(books)
    assert (v2.version, v2.family_id, v2.price_minor, v2.name) == (2, v1.id, 3500, "Fibre")
    assert (v1.superseded_from, v2.effective_from) == (JUNE, JUNE)
    customer, catalogue = await books.customer(), _catalogue(books)
    old = await books.subscribe(customer, v1, date(2026, 1, 15))
    assert (await catalogue.current_plan(v1.id, date(2026, 5, 31), "plan_id")).id == v1.id
    newest = await catalogue.current_plan(v1.id, date(2026, 6, 10), "plan_id")
    assert newest.id == v2.id  # a subscription made from June gets version 2
    new = await books.subscribe(customer, newest, date(2026, 6, 10), if_index=2)
    # June: the old subscription stays at 30.00; the new one 35 x 21/30 = 24.50
    assert await _lines(books, JUNE) == {old.id: [("recurring", 3000)],
                                         new.id: [("proration", 2450)]}
    before = await catalogue.move_to_current(v2.id, s.PlanMove(on=date(2026, 5, 1)))
    assert (before.version_id, before.moved) == (v1.id, [])  # nobody goes back to v1
    assert new.plan_id == v2.id
    moved = await catalogue.move_to_current(v1.id, s.PlanMove(on=date(2026, 6, 16)))
    assert (moved.version_id, moved.moved, moved.refused) == (v2.id, [old.id], [])
    assert old.plan_id == v2.id
    # July: June 16..July 1 (15/30) was billed at 30.00: credit 15.00, charge 17.50
    assert await _lines(books, JULY) == {
        old.id: [("recurring", 3500), ("adjustment", -1500), ("adjustment", 1750)],
        new.id: [("recurring", 3500)]}
    again = await catalogue.move_to_current(v2.id, s.PlanMove(on=date(2026, 7, 1)))
    assert again.moved == [] and again.refused == []


async def test_a_cheaper_version_waits_for_the_minimum_term(books: Books) -> None:
    v1, v2 = await _versioned(books, v2_price=2500, term=12)
    sub = await books.subscribe(await books.customer(), v1, date(2026, 1, 15))
    catalogue = _catalogue(books)
    early = await catalogue.move_to_current(v1.id, s.PlanMove(on=JUNE))
    assert early.moved == [] and [r["subscription_id"] for r in early.refused] == [str(sub.id)]
    assert "refused until 2027-01-15" in early.refused[0]["reason"]
    assert sub.plan_id == v1.id
    assert await _lines(books, JUNE) == {sub.id: [("recurring", 3000)]}
    later = await catalogue.move_to_current(v1.id, s.PlanMove(on=date(2027, 1, 15)))
    assert later.moved == [sub.id] and sub.plan_id == v2.id


async def test_versions_follow_each_other_and_archived_plans_take_none(books: Books) -> None:
    v1, _ = await _versioned(books)
    catalogue = _catalogue(books)
    with pytest.raises(ConflictError, match="must start after it"):
        await catalogue.add_plan_version(v1.id, s.PlanVersionCreate(price_minor=4000,
                                                                    effective_from=JUNE))
    await catalogue.archive_plan(v1.id)
    with pytest.raises(ConflictError, match="archived"):
        await catalogue.add_plan_version(v1.id, s.PlanVersionCreate(price_minor=4000,
                                                                    effective_from=JULY))


async def test_a_move_dated_before_a_subscription_starts_is_refused(books: Books) -> None:
    v1, v2 = await _versioned(books)
    sub = await books.subscribe(await books.customer(), v1, date(2026, 7, 1))
    result = await _catalogue(books).move_to_current(v1.id, s.PlanMove(on=date(2026, 6, 15)))
    assert result.moved == [] and "starts 2026-07-01, after 2026-06-15" in (
        result.refused[0]["reason"])
    assert sub.plan_id == v1.id
    later = await _catalogue(books).move_to_current(v1.id, s.PlanMove(on=date(2026, 7, 1)))
    assert later.moved == [sub.id] and sub.plan_id == v2.id
