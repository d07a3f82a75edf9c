"""Business analytics on hand-computed scenarios (explicit dates; values derived in docstrings).

Each scenario, on PostgreSQL and on SQLite, fills a fresh tenant through the billing
services (lifecycle, invoicing, payments, dunning) with explicit dates, commits, then reads
the numbers over the HTTP API as a `billing` user. Definitions: docs/billing.md "Business
analytics".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from hub.billing.analytics.service import aging_bucket, div_half_up, period_of
from hub.billing.charges import Charge
from hub.billing.models import Customer, Invoice
from hub.errors import InvalidRequestError
from hub.permissions import Role
from tests.hub.billing.books import Books, open_books
from tests.hub.harness import Account, Hub, hub_settings, running_hub


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["postgresql", "sqlite"])
async def hub(request: pytest.FixtureRequest, pg_url: str,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Hub]:
    """The hub on PostgreSQL, then on SQLite (the embedded default): same numbers on both."""
    url = (pg_url if request.param == "postgresql" else
           f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('analytics') / 'hub.sqlite3'}")
    async with running_hub(hub_settings(url)) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[tuple[Books, Account]]:
    opened, owner = await open_books(hub, "analytics")
    try:
        yield opened, await hub.add_user(owner, Role.BILLING)
    finally:
        await opened.session.close()


async def _get(hub: Hub, who: Account, path: str, **query: str) -> Any:
    resp = await hub.client.get(f"/billing/analytics/{path}", params=query, headers=who.headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rows}


async def test_mrr_arpu_and_churn_of_a_hand_computed_book(
        hub: Hub, books: tuple[Books, Account]) -> None:
    """Plans: Basic 30.00 EUR/month, Pro 50.00 EUR/month, Annual 600.00 EUR/year,
    Quarterly 100.00 EUR/quarter, Free 0 EUR/month, Biz 80.00 USD/month.

    Subscriptions (customer: plan, activated -> ended_on):
      A1 (A): Basic 01-01, changed to Pro on 03-15     A2 (A): Basic 01-01 -> 03-31
      B  (B): Basic 01-10 -> 03-20                     C  (C): Annual 02-01
      D  (D): Quarterly 02-15                          E  (E): Free 01-01
      F  (F): Biz (USD) 01-01                          G  (G): Basic, never activated
      H  (H): Basic 03-05 -> 03-25 (starts and ends inside March)

    MRR in twelfths of a month (month x12, quarter x4, year x1), minor units:
      on 03-01, EUR: A1 36000 + A2 36000 + B 36000 + C 60000 + D 40000 + E 0 = 208000
        MRR = 208000 / 12 = 17333.33 -> 17333 (173.33 EUR); 6 subscriptions;
        paying customers A, B, C, D = 4 (E pays nothing); ARPU = 208000 / 48 = 4333.33 -> 4333
        by plan: Basic 3 subs 108000/12 = 9000, Annual 5000, Quarterly 3333.33 -> 3333, Free 0
      on 03-01, USD: F 8000; ARPU 8000 (1 paying customer)
      on 04-01, EUR: A1 (Pro) 60000 + C 60000 + D 40000 + E 0 = 160000 -> 13333
    Churn over [03-01, 04-01), EUR: at start 6 subscriptions of 5 customers (A, B, C, D, E);
      not in service on 04-01: A2 and B -> subscription churn 2/6 = 0.3333;
      customers without any subscription on 04-01: B -> logo churn 1/5 = 0.2000;
      churned MRR (valued on 03-01) = (36000 + 36000) / 12 = 6000, rate 72000/208000 = 0.3462.
      H is not in the start cohort. Check: 17333 - 6000 + 2000 (A1's upgrade) = 13333.
    USD: 1 customer, nothing churned: rates 0.0000.
    """
    b, billing = books
    basic, pro = await b.plan(3000), await b.plan(5000)
    annual, quarterly = await b.plan(60000, period="year"), await b.plan(10000, period="quarter")
    free, biz = await b.plan(0), await b.plan(8000, currency="USD")
    a, bb, c, d, e, g, h = [await b.customer() for _ in range(7)]
    f = await b.customer(currency="USD")
    a1 = await b.subscribe(a, basic, date(2026, 1, 1))
    a2 = await b.subscribe(a, basic, date(2026, 1, 1))
    b1 = await b.subscribe(bb, basic, date(2026, 1, 10))
    await b.subscribe(c, annual, date(2026, 2, 1))
    await b.subscribe(d, quarterly, date(2026, 2, 15))
    await b.subscribe(e, free, date(2026, 1, 1))
    await b.subscribe(f, biz, date(2026, 1, 1))
    await b.subscribe(g, basic, None)
    h1 = await b.subscribe(h, basic, date(2026, 3, 5))
    await b.lifecycle.change_plan(a1, pro, date(2026, 3, 15))
    await b.lifecycle.terminate(a2, date(2026, 3, 31))
    await b.lifecycle.terminate(b1, date(2026, 3, 20))
    await b.lifecycle.terminate(h1, date(2026, 3, 25))
    await b.session.commit()

    march = _by((await _get(hub, billing, "mrr", on="2026-03-01"))["currencies"], "currency")
    assert list(march) == ["EUR", "USD"]
    eur = march["EUR"]
    assert (eur["mrr_minor"], eur["subscriptions"], eur["paying_customers"]) == (17333, 6, 4)
    plans = {p["plan_id"]: (p["subscriptions"], p["mrr_minor"], p["period"])
             for p in eur["by_plan"]}
    assert plans == {str(basic.id): (3, 9000, "month"), str(annual.id): (1, 5000, "year"),
                     str(quarterly.id): (1, 3333, "quarter"), str(free.id): (1, 0, "month")}
    assert (march["USD"]["mrr_minor"], march["USD"]["subscriptions"]) == (8000, 1)

    april = _by((await _get(hub, billing, "mrr", on="2026-04-01"))["currencies"], "currency")
    assert april["EUR"]["mrr_minor"] == 13333
    assert {p["plan_id"] for p in april["EUR"]["by_plan"]} == {
        str(pro.id), str(annual.id), str(quarterly.id), str(free.id)}

    arpu = _by((await _get(hub, billing, "arpu", on="2026-03-01"))["currencies"], "currency")
    assert (arpu["EUR"]["arpu_minor"], arpu["EUR"]["paying_customers"]) == (4333, 4)
    assert (arpu["USD"]["arpu_minor"], arpu["USD"]["mrr_minor"]) == (8000, 8000)

    churn = await _get(hub, billing, "churn", start="2026-03-01", end="2026-04-01")
    got = _by(churn["currencies"], "currency")
    assert got["EUR"] == {
        "currency": "EUR", "customers_at_start": 5, "customers_churned": 1,
        "logo_churn_rate": "0.2000", "subscriptions_at_start": 6, "subscriptions_churned": 2,
        "subscription_churn_rate": "0.3333", "mrr_at_start_minor": 17333,
        "mrr_churned_minor": 6000, "mrr_churn_rate": "0.3462"}
    assert (got["USD"]["customers_churned"], got["USD"]["mrr_churn_rate"]) == (0, "0.0000")
    assert april["EUR"]["mrr_minor"] == 17333 - 6000 + (5000 - 3000)


async def _invoice(b: Books, customer: Customer, amount: str, issued: date) -> Invoice:
    value = Decimal(amount)
    draft = await b.invoicing.manual(customer, [Charge("usage", "one-off", Decimal(1), value,
                                                       value)])
    return await b.invoicing.finalize(draft, issued)


async def test_revenue_by_plan_nets_credit_notes_and_follows_plan_changes(
        hub: Hub, books: tuple[Books, Account]) -> None:
    """Basic 30.00 EUR, Pro 50.00 EUR, Biz 80.00 USD (monthly), no tax.

    A: Basic from 03-01, Pro from 03-15. B: Basic from 02-01. F: Biz (USD) from 03-01.
    February run issued 03-01: B 3000 (outside April, inside March).
    March run issued 04-01: A = 30.00 x 14/31 = 13.548 -> 13.55 + 50.00 x 17/31 = 27.419
      -> 27.42 = 4097, attributed to Pro (the plan in force at the end of the period);
      B 3000 (Basic); F 8000 (Biz, USD).
    Credit note of 10.00 on B's March invoice issued 04-10: Basic -1000.
    One-off invoice for A of 15.00 issued 04-05: no plan, 1500.
    April [04-01, 05-01): Pro 4097 (1 invoice), Basic 3000 - 1000 = 2000 (1 invoice, 1 credit
      note), no plan 1500, Biz 8000 USD. March [03-01, 04-01): Basic 3000.
    """
    b, billing = books
    basic, pro = await b.plan(3000), await b.plan(5000)
    biz = await b.plan(8000, currency="USD")
    a, bb, f = await b.customer(), await b.customer(), await b.customer(currency="USD")
    a1 = await b.subscribe(a, basic, date(2026, 3, 1))
    await b.subscribe(bb, basic, date(2026, 2, 1))
    await b.subscribe(f, biz, date(2026, 3, 1))
    await b.lifecycle.change_plan(a1, pro, date(2026, 3, 15))
    await b.invoicing.run(date(2026, 2, 1), date(2026, 3, 1))
    march_run = await b.invoicing.run(date(2026, 3, 1), date(2026, 4, 1))
    b_march = next(i for i in march_run if i.customer_id == bb.id)
    await b.invoicing.credit_note(b_march, Decimal("10.00"), "outage", date(2026, 4, 10))
    await _invoice(b, a, "15.00", date(2026, 4, 5))
    await b.session.commit()

    april = await _get(hub, billing, "revenue-by-plan", start="2026-04-01", end="2026-05-01")
    got = {(p["currency"], p["plan_id"]): (p["invoices"], p["credit_notes"], p["revenue_minor"])
           for p in april["plans"]}
    assert got == {("EUR", str(pro.id)): (1, 0, 4097), ("EUR", str(basic.id)): (1, 1, 2000),
                   ("EUR", None): (1, 0, 1500), ("USD", str(biz.id)): (1, 0, 8000)}
    assert [p["plan_name"] for p in april["plans"]][:3] == [pro.name, basic.name, None]
    march = await _get(hub, billing, "revenue-by-plan", start="2026-03-01", end="2026-04-01")
    assert [(p["plan_id"], p["revenue_minor"]) for p in march["plans"]] == [(str(basic.id), 3000)]


async def test_receivables_aging_and_customers_in_dunning(
        hub: Hub, books: tuple[Books, Account]) -> None:
    """One-off invoices (due = issue + 14 days), aged on 06-30; default dunning policy
    (reminder 3, throttle 10, suspend 20 days past due) run on 06-30.

      P: 100.00 issued 06-20 (due 07-04, -4 days: current); 40.00 issued 06-01 (due 06-15,
         15 days: 1-30)                                        -> dunning step throttle
      Q: 25.00 issued 03-20 (due 04-03, 88 days: 61-90) of which 20.00 paid (oldest first),
         open 5.00; 70.00 issued 04-20 (due 05-04, 57 days: 31-60)        -> suspend
      R: 90.00 issued 01-10 (due 01-24, 157 days: 90+); 10.00 issued 06-01 paid in full
                                                                          -> suspend
      T: 12.00 issued 06-12 (due 06-26, 4 days: 1-30)                     -> reminder
      U: 20.00 issued 06-01 (due 06-15), dunned, then paid in full on 06-30: not listed
      S (USD): 55.00 issued 05-01 (due 05-15, 46 days: 31-60)             -> suspend
    EUR buckets: current 1/10000, 1-30 2/5200, 31-60 1/7000, 61-90 1/500, 90+ 1/9000;
      total 31700. USD: 31-60 1/5500.
    Dunning list (overdue minor, days overdue = oldest overdue invoice, open invoices):
      P 4000/15/2, Q 7500/88/2, R 9000/157/1, T 1200/4/1, S 5500/46/1.
    """
    b, billing = books
    p, q, r, t, u = [await b.customer() for _ in range(5)]
    s = await b.customer(currency="USD")
    await _invoice(b, p, "100.00", date(2026, 6, 20))
    await _invoice(b, p, "40.00", date(2026, 6, 1))
    await _invoice(b, q, "25.00", date(2026, 3, 20))
    await _invoice(b, q, "70.00", date(2026, 4, 20))
    await b.payments.record(q, 2000, date(2026, 5, 1))
    await _invoice(b, r, "90.00", date(2026, 1, 10))
    paid = await _invoice(b, r, "10.00", date(2026, 6, 1))
    await b.payments.record(r, 1000, date(2026, 6, 2), allocations=[(paid, 1000)])
    await _invoice(b, t, "12.00", date(2026, 6, 12))
    await _invoice(b, u, "20.00", date(2026, 6, 1))
    await _invoice(b, s, "55.00", date(2026, 5, 1))
    await b.dunning.run(date(2026, 6, 30))
    await b.payments.record(u, 2000, date(2026, 6, 30))
    await b.session.commit()

    aging = _by((await _get(hub, billing, "receivables-aging", on="2026-06-30"))["currencies"],
                "currency")
    assert aging["EUR"]["total_minor"] == 31700
    assert [(x["bucket"], x["invoices"], x["amount_minor"]) for x in aging["EUR"]["buckets"]] == [
        ("current", 1, 10000), ("1-30", 2, 5200), ("31-60", 1, 7000), ("61-90", 1, 500),
        ("90+", 1, 9000)]
    assert [x["amount_minor"] for x in aging["USD"]["buckets"]] == [0, 0, 5500, 0, 0]

    listed: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {"on": "2026-06-30", "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = await _get(hub, billing, "dunning", **query)
        listed += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    got = {row["customer_id"]: (row["step"], row["overdue_minor"], row["days_overdue"],
                                row["open_invoices"], row["currency"]) for row in listed}
    assert len(listed) == len(got) == 5
    assert got == {str(p.id): ("throttle", 4000, 15, 2, "EUR"),
                   str(q.id): ("suspend", 7500, 88, 2, "EUR"),
                   str(r.id): ("suspend", 9000, 157, 1, "EUR"),
                   str(t.id): ("reminder", 1200, 4, 1, "EUR"),
                   str(s.id): ("suspend", 5500, 46, 1, "USD")}


async def test_only_billing_owner_and_admin_read_analytics_and_periods_are_checked(
        hub: Hub, books: tuple[Books, Account]) -> None:
    _, billing = books
    owner = await hub.new_tenant("analytics-roles")
    for role in (Role.SUPPORT, Role.NOC, Role.CUSTOMER):
        who = await hub.add_user(owner, role)
        resp = await hub.client.get("/billing/analytics/mrr", headers=who.headers)
        assert resp.status_code == 403, (role, resp.text)
    empty = await _get(hub, await hub.add_user(owner, Role.ADMIN), "mrr", on="2026-01-01")
    assert empty == {"on": "2026-01-01", "currencies": []}
    bad = await hub.client.get("/billing/analytics/churn", headers=billing.headers,
                               params={"start": "2026-04-01", "end": "2026-03-01"})
    assert bad.status_code == 422 and "must be after start" in bad.json()["detail"]


def test_rounding_buckets_and_default_period() -> None:
    assert [div_half_up(n, 12) for n in (6, 5, 18, 17, -6)] == [1, 0, 2, 1, -1]
    assert div_half_up(208000, 48) == 4333 and div_half_up(1, 3) == 0
    assert [aging_bucket(d) for d in (-3, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        "current", "current", "1-30", "1-30", "31-60", "31-60", "61-90", "61-90", "90+"]
    assert period_of(None, None, date(2026, 12, 17)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert period_of(date(2026, 2, 10), None, date(2030, 1, 1)) == (date(2026, 2, 10),
                                                                    date(2026, 3, 1))
    with pytest.raises(InvalidRequestError, match="longer than"):
        period_of(date(2000, 1, 1), date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(InvalidRequestError, match="too late"):
        period_of(date(9999, 12, 5), None, date(2026, 1, 1))
