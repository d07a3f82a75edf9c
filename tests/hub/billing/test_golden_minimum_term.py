"""Golden minimum-term scenarios: early-termination charge, waiver, downgrade refused.

Plan of the scenarios: 30.00 EUR a month, 12-month minimum term, started 15 January 2026, so
the term ends on (the first day after it is) 15 January 2027 (`term_ends_on`).

Ended 10 June 2026, the customer owes the same whenever the June run happens:
* terminated before the June run: June 1..10 9/30 x 30 = 9.00, and the term left from the end
  day, 30 x (21/30 + 6 + 14/31) = 214.548... -> 214.55; total 223.55;
* June already invoiced in advance (30.00): the term left after the invoiced days, from
  1 July, 30 x (6 + 14/31) = 193.548... -> 193.55 on the July invoice; total 223.55.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa

from hub import migrations
from hub.billing.lifecycle import waiver
from hub.billing.models import Plan, Subscription
from hub.billing.repository import invoice_lines
from hub.db import sync_url
from hub.errors import ForbiddenError, InvalidRequestError
from hub.permissions import Role
from hub.principal import Principal
from tests.hub.billing.books import Books, open_books
from tests.hub.billing.matrix import customer
from tests.hub.harness import Hub, create_database, drop_database
from tests.services.postgres import Postgres

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
    assert sub.termination_fee_pending
    july = await books.invoicing.run(JULY, today=JULY)
    assert len(july) == 1 and july[0].subscription_id == sub.id
    line, = await invoice_lines(books.session, july[0].id)
    # June 10..July 1 is already on the June invoice: the term left is July..December, 6
    # months, and January 1..15 2027, 14/31: 30 x (6 + 0.4516129...) = 193.548... -> 193.55
    assert (line.kind, line.amount_minor) == ("termination", 19355)
    assert "2026-07-01..2027-01-15" in line.description
    assert "ended 2026-06-10" in line.description and "already invoiced" in line.description
    assert await _lines(books, AUGUST) == []
    # The same total as when the end came before the June run: 30.00 + 193.55 = 9.00 + 214.55
    assert july[0].total_minor + 3000 == 900 + 21455


async def test_an_end_inside_the_invoiced_periods_owes_nothing_more(books: Books) -> None:
    sub = await books.subscribe(await books.customer(), await _term_plan(books), START)
    for month in range(6, 13):  # June..December 2026 invoiced; the term ends 15 Jan 2027
        await _lines(books, date(2026, month, 1))
    assert await _lines(books, date(2027, 1, 1)) == [[("recurring", 3000)]]
    await books.lifecycle.terminate(sub, date(2027, 1, 10))
    assert not sub.termination_fee_pending  # January is invoiced past the term's end
    assert await _lines(books, date(2027, 2, 1)) == []


async def test_an_upgrade_to_a_plan_without_a_term_keeps_the_term(books: Books) -> None:
    sub = await books.subscribe(await books.customer(), await _term_plan(books), START)
    assert sub.term_ends_on == date(2027, 1, 15)
    loose, cheap = await books.plan(4500), await books.plan(1000)
    await books.lifecycle.change_plan(sub, loose, date(2026, 3, 1))
    assert sub.term_ends_on == date(2027, 1, 15)
    with pytest.raises(InvalidRequestError, match="refused until 2027-01-15"):
        await books.lifecycle.change_plan(sub, cheap, date(2026, 5, 1))
    await books.lifecycle.terminate(sub, date(2026, 6, 10))
    assert sub.termination_fee_pending
    # The term left at the price of the plan in force: 45 x (21/30 + 6 + 14/31) = 321.82258
    assert await _lines(books, JUNE) == [[("proration", 1350), ("termination", 32182)]]


async def test_a_term_plan_chosen_outside_a_term_starts_one(books: Books) -> None:
    sub = await books.subscribe(await books.customer(), await books.plan(2000), START)
    assert sub.term_ends_on is None
    await books.lifecycle.change_plan(sub, await _term_plan(books), date(2026, 3, 31))
    assert sub.term_ends_on == date(2027, 3, 31)
    inside = await _term_plan(books, 3500)  # within the term: the term's end stays
    await books.lifecycle.change_plan(sub, inside, date(2026, 5, 1))
    assert sub.term_ends_on == date(2027, 3, 31)


async def test_a_waived_minimum_term_charges_nothing_and_names_who_waived(books: Books) -> None:
    sub = await books.subscribe(await books.customer(), await _term_plan(books), START)
    who = uuid.uuid4()
    await books.lifecycle.terminate(sub, date(2026, 6, 10), waived_by=who)
    assert (sub.term_waived_by, sub.termination_fee_pending) == (who, False)
    assert sub.term_ends_on == date(2027, 1, 15)
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


def _legacy_table(name: str, *columns: str) -> sa.TableClause:
    """Columns of a table at revision 0007 (types only where the drivers need them)."""
    types: dict[str, Any] = {
        "id": sa.Uuid(), "tenant_id": sa.Uuid(), "customer_id": sa.Uuid(),
        "plan_id": sa.Uuid(), "subscription_id": sa.Uuid(), "contacts": sa.JSON(),
        "created_at": sa.DateTime(timezone=True), "started_on": sa.Date(),
        "effective_on": sa.Date(), "termination_fee_pending": sa.Boolean()}
    return sa.table(name, *(sa.column(c, types.get(c)) for c in ("id", "created_at",
                                                                 *columns)))


_LEGACY = {
    "tenants": _legacy_table("tenants", "name"),
    "billing_customers": _legacy_table("billing_customers", "tenant_id", "name", "email",
                                       "contacts", "service_address", "currency"),
    "billing_plans": _legacy_table(
        "billing_plans", "tenant_id", "name", "currency", "down_kbps", "up_kbps", "price_minor",
        "period", "setup_fee_minor", "minimum_term_periods", "usage_kind"),
    "billing_subscriptions": _legacy_table(
        "billing_subscriptions", "tenant_id", "customer_id", "port", "plan_id", "status",
        "started_on", "termination_fee_pending"),
    "billing_subscription_events": _legacy_table(
        "billing_subscription_events", "tenant_id", "subscription_id", "kind", "from_status",
        "to_status", "plan_id", "effective_on"),
}


def _legacy_books(url: str) -> dict[str, uuid.UUID]:
    """At revision 0007: subscriptions as the code before `term_ends_on` left them."""
    engine = sa.create_engine(sync_url(url))
    t = _LEGACY
    ids = {name: uuid.uuid4() for name in ("tenant", "customer", "term", "loose", "monthly",
                                           "upgraded", "plain", "clamped", "pending")}
    now = datetime.now(UTC)
    common = {"tenant_id": ids["tenant"], "created_at": now}

    def plan(key: str, periods: int) -> dict[str, object]:
        return {**common, "id": ids[key], "name": key, "currency": "EUR", "down_kbps": 1,
                "up_kbps": 1, "price_minor": 3000, "period": "month", "setup_fee_minor": 0,
                "minimum_term_periods": periods, "usage_kind": "none"}

    def sub(key: str, plan_key: str, started: date | None) -> dict[str, object]:
        return {**common, "id": ids[key], "customer_id": ids["customer"], "port": "",
                "plan_id": ids[plan_key], "status": "active" if started else "pending",
                "started_on": started, "termination_fee_pending": False}

    def activated(key: str, plan_key: str, on: date) -> dict[str, object]:
        return {**common, "id": uuid.uuid4(), "subscription_id": ids[key], "kind": "activate",
                "from_status": "pending", "to_status": "active", "plan_id": ids[plan_key],
                "effective_on": on}

    with engine.begin() as conn:
        conn.execute(t["tenants"].insert(), [{"id": ids["tenant"], "created_at": now,
                                             "name": f"legacy-{ids['tenant']}"}])
        conn.execute(t["billing_customers"].insert(), [{
            **common, "id": ids["customer"], "name": "c", "email": "", "contacts": [],
            "service_address": "", "currency": "EUR"}])
        conn.execute(t["billing_plans"].insert(), [
            plan("term", 12), plan("loose", 0), plan("monthly", 1)])
        conn.execute(t["billing_subscriptions"].insert(), [
            sub("upgraded", "loose", START), sub("plain", "loose", START),
            sub("clamped", "monthly", date(2026, 1, 31)), sub("pending", "term", None)])
        conn.execute(t["billing_subscription_events"].insert(), [
            activated("upgraded", "term", START), activated("plain", "loose", START)])
    engine.dispose()
    return ids


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_the_migration_backfills_the_term_end(backend: str, postgres: Postgres,
                                              tmp_path: Path) -> None:
    """Activated on a term plan then upgraded to one without: the activation plan's term;
    clamped to short months; no term or not started: NULL."""
    name = create_database(postgres.admin_dsn, "hub_term") if backend == "postgresql" else ""
    url = (f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
           if name else f"sqlite+aiosqlite:///{tmp_path / 'term.sqlite3'}")
    try:
        migrations.upgrade(url, "0007")
        ids = _legacy_books(url)
        migrations.upgrade(url, "0008")
        engine = sa.create_engine(sync_url(url))
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, term_ends_on FROM billing_subscriptions"))
            found = {uuid.UUID(str(i)): d for i, d in rows}
        engine.dispose()
        ends = {key: found[ids[key]] for key in ("upgraded", "plain", "clamped", "pending")}
        as_dates = {k: date.fromisoformat(v) if isinstance(v, str) else v for k, v in ends.items()}
        assert as_dates == {"upgraded": date(2027, 1, 15), "plain": None,
                            "clamped": date(2026, 2, 28), "pending": None}
    finally:
        if name:
            drop_database(postgres.admin_dsn, name)
