"""Golden minimum-term scenarios: early-termination charge, waiver, downgrade refused.

Plan of the scenarios: 30.00 EUR a month, 12-month minimum term, started 15 January 2026, so
the term ends on (the first day after it is) 15 January 2027.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
import pytest_asyncio

from hub.billing.invoicing import invoice_lines
from hub.billing.lifecycle import waiver
from hub.billing.models import Plan, Subscription
from hub.errors import ForbiddenError, InvalidRequestError
from hub.permissions import Role
from hub.principal import Principal
from tests.billing.books import Books, open_books
from tests.billing.matrix import customer
from tests.hub.harness import Hub

START, JUNE, JULY, AUGUST = date(2026, 1, 15), date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1)


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[Books]:
    opened, _ = await open_books(hub, "term")
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


async def _term_plan(books: Books, price_minor: int = 3000) -> Plan:
    return await books.plan(price_minor, minimum_term_periods=12)


async def _lines(books: Books, period: date) -> list[list[tuple[str, int]]]:
    made = await books.invoicing.run(period, today=period)
    return [[(line.kind, line.amount_minor) for line in await invoice_lines(books.session, i.id)]
            for i in made]


async def test_early_termination_charges_the_rest_of_the_term(books: Books) -> None:
    sub = await books.subscribe(await books.customer(), await _term_plan(books), START)
    await books.lifecycle.terminate(sub, date(2026, 6, 10))
    assert sub.termination_fee_pending and sub.term_waived_by is None
    # June 1..10: 9/30 x 30.00 = 9.00. Left of the term: June 10..July 1 21/30, July..
    # December 6 months, January 1..15 2027 14/31: 30 x (0.7 + 6 + 0.4516129...) = 214.548...
    assert await _lines(books, JUNE) == [[("proration", 900), ("termination", 21455)]]
    assert not sub.termination_fee_pending
    assert await _lines(books, JUNE) == [] and await _lines(books, JULY) == []


async def test_the_charge_goes_on_the_next_invoice_when_the_period_was_billed(
        books: Books) -> None:
    sub = await books.subscribe(await books.customer(), await _term_plan(books), START)
    assert await _lines(books, JUNE) == [[("recurring", 3000)]]  # billed in advance
    await books.lifecycle.terminate(sub, date(2026, 6, 10))
    july = await books.invoicing.run(JULY, today=JULY)
    assert len(july) == 1 and july[0].subscription_id == sub.id
    line, = await invoice_lines(books.session, july[0].id)
    assert (line.kind, line.amount_minor) == ("termination", 21455)
    assert "2026-06-10..2027-01-15" in line.description and "12-month" in line.description
    assert await _lines(books, AUGUST) == []


async def test_a_waived_minimum_term_charges_nothing_and_names_who_waived(books: Books) -> None:
    sub = await books.subscribe(await books.customer(), await _term_plan(books), START)
    who = uuid.uuid4()
    await books.lifecycle.terminate(sub, date(2026, 6, 10), waived_by=who)
    assert (sub.term_waived_by, sub.termination_fee_pending) == (who, False)
    assert await _lines(books, JUNE) == [[("proration", 900)]]


async def test_ending_after_the_term_costs_nothing_more(books: Books) -> None:
    sub = await books.subscribe(await books.customer(), await _term_plan(books), START)
    await books.lifecycle.terminate(sub, date(2027, 1, 15))
    assert not sub.termination_fee_pending
    assert await _lines(books, date(2027, 1, 1)) == [[("proration", 1355)]]  # 14/31 x 30


async def test_downgrade_is_refused_until_the_term_ends_upgrade_is_not(books: Books) -> None:
    premium, basic = await _term_plan(books, 4500), await books.plan(3000)
    sub = await books.subscribe(await books.customer(), premium, START)
    with pytest.raises(InvalidRequestError, match="refused until 2027-01-15"):
        await books.lifecycle.change_plan(sub, basic, date(2027, 1, 14))
    assert sub.plan_id == premium.id
    faster = await _term_plan(books, 6000)
    await books.lifecycle.change_plan(sub, faster, date(2026, 3, 1))
    await books.lifecycle.change_plan(sub, basic, date(2027, 1, 15))
    assert sub.plan_id == basic.id


def test_only_owner_admin_and_billing_may_waive() -> None:
    def principal(kind: str, *roles: str) -> Principal:
        return Principal(kind=kind, id=uuid.uuid4(), tenant_id=uuid.uuid4(),  # type: ignore[arg-type]
                         permissions=frozenset({"billing:write"}), roles=roles)

    for role in (Role.OWNER, Role.ADMIN, Role.BILLING):
        caller = principal("user", role.value)
        assert waiver(caller, True) == caller.id and waiver(caller, False) is None
    with pytest.raises(ForbiddenError, match="only owner, admin or billing"):
        waiver(principal("api_key"), True)


async def test_api_waiver_and_refused_downgrade(hub: Hub) -> None:
    owner = await hub.new_tenant("term-api")
    billing = await hub.add_user(owner, Role.BILLING)
    plans = [await hub.post(billing, "/billing/plans", {
        "name": name, "currency": "EUR", "down_kbps": kbps, "up_kbps": 10_000,
        "price_minor": price, "minimum_term_periods": 12})
        for name, kbps, price in (("Fibre 500", 500_000, 4500), ("Fibre 100", 100_000, 3000))]
    sub = await hub.post(billing, "/billing/subscriptions", {
        "customer_id": (await customer(hub, billing))["id"], "plan_id": plans[0]["id"]})
    path = f"/billing/subscriptions/{sub['id']}/transitions"
    await hub.post(billing, path, {"action": "activate", "on": "2026-01-15"})
    resp = await hub.client.post(path, headers=billing.headers, json={
        "action": "change_plan", "plan_id": plans[1]["id"], "on": "2026-06-01"})
    assert resp.status_code == 422 and "refused until 2027-01-15" in resp.text, resp.text
    done = await hub.post(billing, path, {"action": "terminate", "on": "2026-06-10",
                                          "waive_minimum_term": True})
    assert (done["status"], done["term_waived_by"]) == ("terminated", str(billing.user_id))
    async with hub.app.state.sessions() as session:
        row = await session.get_one(Subscription, uuid.UUID(sub["id"]))
        assert not row.termination_fee_pending
