"""The billing dashboard is well-formed, every panel returns rows, and its numbers are the API's.

Billing data is made by the real billing services (lifecycle, billing runs, payments,
dunning) with explicit dates in a migrated PostgreSQL hub database; each panel's SQL is run
there with `$tenant` and Grafana's time macros substituted the way the NOC dashboards' test
does, for the range 2026-03-01 .. 2026-06-30 (UTC). Each panel's rows are then compared with
the matching /billing/analytics/* answer for the same days.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import psycopg
import pytest_asyncio

from dashboards import root
from hub.billing.charges import Charge
from hub.billing.money import _EXPONENTS, from_minor
from hub.permissions import Role
from tests.dashboards.test_dashboards import VARIABLE, Filled, _substitute
from tests.hub.billing.books import Books, open_books
from tests.hub.conftest import hub, pg_url
from tests.hub.harness import Account, Hub

__all__ = ["hub", "pg_url"]
PATH = root() / "billing.json"
START, END = date(2026, 3, 1), date(2026, 6, 30)
ONE_OFF = "(one-off invoices)"


@dataclass
class Billed:
    """The filled tenant: where its rows are, who may read its analytics, the panels' rows."""

    tenant: str
    billing: Account
    rows: dict[str, list[dict[str, Any]]]


def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(PATH.read_text())
    return doc


async def _fill(b: Books) -> None:
    """A: Basic (30.00 EUR) from 02-01, pays March, owes April, one-off 15.00 on 06-25.
    B: Pro (50.00 EUR) from 02-01, terminated 05-01, pays nothing. C: Biz (80.00 USD) from
    03-10. Runs for March (issued 04-01) and April (05-01); dunning on 06-30."""
    basic, pro, biz = await b.plan(3000), await b.plan(5000), await b.plan(8000, currency="USD")
    a, bb, c = await b.customer(), await b.customer(), await b.customer(currency="USD")
    await b.subscribe(a, basic, date(2026, 2, 1))
    b1 = await b.subscribe(bb, pro, date(2026, 2, 1))
    await b.subscribe(c, biz, date(2026, 3, 10))
    await b.lifecycle.terminate(b1, date(2026, 5, 1))
    await b.invoicing.run(date(2026, 3, 1), date(2026, 4, 1))
    await b.payments.record(a, 3000, date(2026, 4, 10))
    await b.invoicing.run(date(2026, 4, 1), date(2026, 5, 1))
    draft = await b.invoicing.manual(a, [Charge("setup", "re-install", Decimal(1),
                                                Decimal("15.00"), Decimal("15.00"))])
    await b.invoicing.finalize(draft, date(2026, 6, 25))
    await b.dunning.run(END)
    await b.session.commit()


def _run_panels(dsn: str, filled: Filled) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    with psycopg.connect(dsn) as conn:
        for panel in _doc()["panels"]:
            (target,) = panel["targets"]
            cursor = conn.execute(_substitute(target["rawSql"], {"tenant": filled.tenant},
                                              filled))
            names = [col.name for col in cursor.description or ()]
            rows[panel["title"]] = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    return rows


def _tenants(dsn: str) -> list[str]:
    query = _doc()["templating"]["list"][1]["query"]
    with psycopg.connect(dsn) as conn:
        return [value for value, _ in conn.execute(query).fetchall()]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def billed(hub: Hub, pg_url: str) -> AsyncIterator[Billed]:
    """One tenant's books filled through the services, and every panel's rows."""
    books, owner = await open_books(hub, "dash-billing")
    try:
        await _fill(books)
    finally:
        await books.session.close()
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    tenant = str(owner.tenant_id)
    assert tenant in _tenants(dsn), "the tenant variable does not offer the billed tenant"
    filled = Filled(dsn, "", tenant, datetime(2026, 3, 1, tzinfo=UTC),
                    datetime(2026, 6, 30, tzinfo=UTC))
    yield Billed(tenant, await hub.add_user(owner, Role.BILLING), _run_panels(dsn, filled))


async def _api(hub: Hub, who: Account, path: str, **query: str) -> Any:
    resp = await hub.client.get(f"/billing/analytics/{path}", params=query, headers=who.headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _money(minor: int, currency: str) -> Decimal:
    return from_minor(minor, currency)


def test_billing_dashboard_is_well_formed() -> None:
    doc = _doc()
    assert doc["uid"] == "dotmac-billing"
    assert [v["name"] for v in doc["templating"]["list"]] == ["DS_HUBDB", "tenant"]
    ids = [p["id"] for p in doc["panels"]]
    assert len(set(ids)) == len(ids) == 7
    for panel in doc["panels"]:
        assert panel["datasource"] == {"type": "grafana-postgresql-datasource",
                                       "uid": "${DS_HUBDB}"}, panel["title"]
        for target in panel["targets"]:
            used = {v for v in VARIABLE.findall(target["rawSql"]) if not v.startswith("__")}
            assert used == {"tenant"}, (panel["title"], used)
            if "power(10" in target["rawSql"]:  # minor-unit exponents are the code's
                for currency, digits in _EXPONENTS.items():
                    assert f"WHEN '{currency}' THEN {digits}" in target["rawSql"]


async def test_every_billing_panel_returns_rows(billed: Billed) -> None:
    for title, rows in billed.rows.items():
        assert rows, f"dotmac-billing / {title}: no data"
    assert {r["currency"] for r in billed.rows["MRR"]} == {"EUR", "USD"}


async def test_mrr_arpu_and_active_customers_panels_equal_the_api(hub: Hub,
                                                                  billed: Billed) -> None:
    mrr = await _api(hub, billed.billing, "mrr", on=END.isoformat())
    assert {r["currency"]: r["mrr"] for r in billed.rows["MRR"]} == {
        c["currency"]: _money(c["mrr_minor"], c["currency"]) for c in mrr["currencies"]}
    assert {r["currency"]: r["mrr"] for r in billed.rows["MRR"]} == {
        "EUR": Decimal("30.00"), "USD": Decimal("80.00")}  # A's Basic; C's Biz (B ended)
    arpu = await _api(hub, billed.billing, "arpu", on=END.isoformat())
    assert {r["currency"]: r["arpu"] for r in billed.rows["ARPU"]} == {
        c["currency"]: _money(c["arpu_minor"], c["currency"]) for c in arpu["currencies"]}
    (active,) = billed.rows["Active customers"]
    assert active["paying_customers"] == sum(c["paying_customers"] for c in mrr["currencies"])
    assert active["active_customers"] == 2


async def test_churn_and_revenue_panels_equal_the_api(hub: Hub, billed: Billed) -> None:
    span = {"start": START.isoformat(), "end": END.isoformat()}
    churn = await _api(hub, billed.billing, "churn", **span)
    panel = {r["currency"]: r for r in billed.rows["Churn"]}
    assert set(panel) == {c["currency"] for c in churn["currencies"]} == {"EUR"}
    for c in churn["currencies"]:
        row, cur = panel[c["currency"]], c["currency"]
        assert (row["customers_at_start"], row["customers_churned"],
                row["subscriptions_at_start"], row["subscriptions_churned"]) == (
            c["customers_at_start"], c["customers_churned"], c["subscriptions_at_start"],
            c["subscriptions_churned"]) == (2, 1, 2, 1)
        assert (row["logo_churn_rate"], row["mrr_churn_rate"]) == (
            Decimal(c["logo_churn_rate"]), Decimal(c["mrr_churn_rate"]))
        assert (row["mrr_at_start"], row["mrr_churned"]) == (
            _money(c["mrr_at_start_minor"], cur), _money(c["mrr_churned_minor"], cur))
    revenue = await _api(hub, billed.billing, "revenue-by-plan", **span)
    assert {(r["currency"], r["plan"]): (r["invoices"], r["credit_notes"], r["revenue"])
            for r in billed.rows["Revenue by plan"]} == {
        (p["currency"], p["plan_name"] or ONE_OFF): (
            p["invoices"], p["credit_notes"], _money(p["revenue_minor"], p["currency"]))
        for p in revenue["plans"]}


async def test_aging_and_dunning_panels_equal_the_api(hub: Hub, billed: Billed) -> None:
    aging = await _api(hub, billed.billing, "receivables-aging", on=END.isoformat())
    assert {(r["currency"], r["bucket"]): (r["invoices"], r["amount"])
            for r in billed.rows["Receivables aging"]} == {
        (c["currency"], x["bucket"]): (x["invoices"], _money(x["amount_minor"], c["currency"]))
        for c in aging["currencies"] for x in c["buckets"] if x["invoices"]}
    dunning = await _api(hub, billed.billing, "dunning", on=END.isoformat())
    assert dunning["next_cursor"] is None
    assert {str(r["customer_id"]): (r["step"], r["overdue"], r["days_overdue"],
                                    r["open_invoices"])
            for r in billed.rows["Customers in dunning"]} == {
        d["customer_id"]: (d["step"], _money(d["overdue_minor"], d["currency"]),
                           d["days_overdue"], d["open_invoices"]) for d in dunning["data"]}
    assert len(dunning["data"]) == 3  # A (April), B (March + April), C (March + April)
