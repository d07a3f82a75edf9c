"""Golden scenarios: a GB cap that throttles, and its reset each billing period.

Plan "Capped" 30.00 EUR a month, 100 000 / 20 000 kb/s, cap 100 GB (decimal: (in + out)
octets / 1e9 in the billing period), over the cap throttled to 1 024 / 512 kb/s. Usage comes
from interface rollups as invoicing reads them; the network actions are real provisioning
jobs on the subscription's port (a juniper_junos device with an agent). The cap run
(`enforce_usage_caps`) is called with explicit dates, as the daily schedule calls it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from hub.billing.caps import CapReport, cap_principal, enforce_usage_caps
from hub.billing.lifecycle import Lifecycle
from hub.billing.models import NetworkAction, Plan, Subscription, SubscriptionEvent
from hub.billing.network import JobNetworkActions
from hub.billing.repository import invoice_lines
from hub.events.models import OutboxEvent
from hub.jobs.models import ProvisioningJob
from tests.hub.billing.books import Books, utc
from tests.hub.billing.matrix import customer as api_customer
from tests.hub.harness import Account, Hub

GB = 10**9
CAP = {"usage_kind": "gb", "gb_cap": Decimal(100), "cap_action": "throttle",
       "cap_throttle_down_kbps": 1024, "cap_throttle_up_kbps": 512}
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
Row = tuple[str, str | None, str | None, dict[str, object]]


class JobBooks(Books):
    """Books whose lifecycle queues real provisioning jobs (as the API does)."""

    @property
    def lifecycle(self) -> Lifecycle:
        """Lifecycle sending jobs to the device's agent."""
        return Lifecycle(self.session, JobNetworkActions(self.session,
                                                         cap_principal(self.tenant_id)))


async def _agent_device(hub: Hub, owner: Account) -> dict[str, Any]:
    site = await hub.post(owner, "/sites", {"name": f"s-{secrets.token_hex(3)}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"a-{secrets.token_hex(3)}"})
    return await hub.post(owner, "/devices", {
        "site_id": site["id"], "name": f"d-{secrets.token_hex(3)}", "agent_id": agent["id"],
        "management_address": "192.0.2.30", "profile": "juniper_junos"})


@pytest_asyncio.fixture(loop_scope="session")
async def books(hub: Hub) -> AsyncIterator[JobBooks]:
    owner = await hub.new_tenant("caps")
    device = await _agent_device(hub, owner)
    opened = JobBooks(hub.app.state.sessions(), owner.tenant_id, uuid.UUID(device["id"]),
                      device["name"])
    try:
        yield opened
    finally:
        await opened.session.rollback()
        await opened.session.close()


async def _capped(books: Books, price_minor: int = 3000, **extra: Any) -> Plan:
    return await books.plan(price_minor, name="Capped", **{**CAP, **extra})


async def _use(books: Books, if_index: int, day: date, gb: int) -> None:
    """`gb` decimal GB (in and out halves) in one bucket at noon of `day`."""
    await books.rollups(if_index, utc(day).replace(hour=12), [(gb * GB // 2, gb * GB // 2)])


async def _run(books: Books, day: date) -> CapReport:
    return await enforce_usage_caps(books.session, books.tenant_id, day)


def _ids(report: CapReport) -> tuple[list[uuid.UUID], list[uuid.UUID], list[uuid.UUID]]:
    return report.throttled, report.restored, report.cleared


async def _rows(books: Books, sub: Subscription) -> list[Row]:
    """(action, mode, job action, job params) of the subscription, oldest first."""
    query = (select(NetworkAction).where(NetworkAction.subscription_id == sub.id)
             .order_by(NetworkAction.created_at, NetworkAction.id))
    return [(r.action, r.mode, r.job_action, r.params)
            for r in (await books.session.execute(query)).scalars()]


def _throttle(port: str, kbps: int = 1024) -> Row:
    return ("change_speed", "cap_throttle", "set_port_speed",
            {"interface": port, "rate_kbps": kbps})


def _plan_rate(action: str, mode: str | None, port: str, kbps: int = 100_000) -> Row:
    return (action, mode, "change_plan", {"interface": port, "rate_kbps": kbps,
                                          "plan": "Capped"})


async def _events(books: Books, sub: Subscription) -> list[tuple[str, date]]:
    query = (select(SubscriptionEvent).where(SubscriptionEvent.subscription_id == sub.id,
                                             SubscriptionEvent.kind.like("cap_%"))
             .order_by(SubscriptionEvent.created_at))
    return [(e.kind, e.effective_on) for e in (await books.session.execute(query)).scalars()]


async def _webhooks(books: Books, sub: Subscription) -> list[dict[str, Any]]:
    query = (select(OutboxEvent).where(OutboxEvent.tenant_id == books.tenant_id,
                                       OutboxEvent.type.like("subscription.cap_%"))
             .order_by(OutboxEvent.created_at))
    return [{"type": e.type, **e.payload} for e in (await books.session.execute(query)).scalars()
            if e.payload["subscription_id"] == str(sub.id)]


async def test_crossing_the_cap_throttles_once_and_the_next_period_restores(
        books: JobBooks) -> None:
    """60 GB by 5 March: under the cap. 110 GB by 10 March: one throttle job at 1 024 kb/s;
    the runs of 10 and 20 March again change nothing. 1 April: one job back to the plan's
    100 000 kb/s. The throttle plan bills no overage: March is 30.00."""
    sub = await books.subscribe(await books.customer(), await _capped(books), date(2026, 2, 1),
                                if_index=11)
    port = sub.port
    await _use(books, 11, date(2026, 3, 3), 60)
    first = await _run(books, date(2026, 3, 5))
    assert (first.checked, _ids(first)) == (1, ([], [], []))
    await _use(books, 11, date(2026, 3, 9), 50)
    crossed = await _run(books, date(2026, 3, 10))
    assert _ids(crossed) == ([sub.id], [], [])
    assert (sub.cap_throttled_since, sub.cap_throttled_period) == (date(2026, 3, 10), MARCH)
    activation = [_plan_rate("activate", None, port)]
    assert (await _rows(books, sub))[1:] == [*activation, _throttle(port)]
    row = (await books.session.execute(select(NetworkAction).where(
        NetworkAction.subscription_id == sub.id, NetworkAction.mode == "cap_throttle",
    ))).scalar_one()
    job = await books.session.get_one(ProvisioningJob, row.job_id)
    assert (job.state, job.action, job.params, job.device_id) == (
        "queued", "set_port_speed", {"interface": port, "rate_kbps": 1024}, books.device_id)
    for again in (date(2026, 3, 10), date(2026, 3, 20)):
        assert _ids(await _run(books, again)) == ([], [], [])
    assert (await _rows(books, sub))[1:] == [*activation, _throttle(port)]
    assert _ids(await _run(books, APRIL)) == ([], [sub.id], [])
    assert sub.cap_throttled_since is sub.cap_throttled_period is None
    assert (await _rows(books, sub))[1:] == [*activation, _throttle(port),
                                             _plan_rate("change_speed", "cap_restore", port)]
    assert _ids(await _run(books, APRIL)) == ([], [], [])
    assert await _events(books, sub) == [("cap_throttle", date(2026, 3, 10)),
                                         ("cap_restore", APRIL)]
    throttled, restored = await _webhooks(books, sub)
    assert {k: throttled[k] for k in ("type", "period_start", "period_end", "down_kbps",
                                      "up_kbps")} == {
        "type": "subscription.cap_throttled", "period_start": "2026-03-01",
        "period_end": "2026-04-01", "down_kbps": 1024, "up_kbps": 512}
    assert (Decimal(throttled["used_gb"]), Decimal(throttled["gb_cap"])) == (110, 100)
    assert (restored["type"], restored["throttled_since"], restored["down_kbps"]) == (
        "subscription.cap_restored", "2026-03-10", 100_000)
    march, = await books.invoicing.run(MARCH, today=APRIL)
    assert [(x.kind, x.amount_minor) for x in await invoice_lines(books.session, march.id)] == [
        ("recurring", 3000)]


async def test_overage_is_still_invoiced_when_the_plan_says_so(books: JobBooks) -> None:
    """overage_and_throttle at 0.50 a GB: 110 GB throttles and bills 10 GB = 5.00; a plain
    overage plan (the default of gb plans) bills 5.00 too and is never throttled."""
    both = await _capped(books, cap_action="overage_and_throttle",
                         overage_per_gb=Decimal("0.50"))
    overage = await books.plan(3000, name="Capped", usage_kind="gb", gb_cap=Decimal(100),
                               overage_per_gb=Decimal("0.50"))
    assert overage.cap_action == "overage"
    customer = await books.customer()
    throttled = await books.subscribe(customer, both, date(2026, 2, 1), if_index=12)
    charged = await books.subscribe(customer, overage, date(2026, 2, 1), if_index=13)
    for if_index in (12, 13):
        await _use(books, if_index, date(2026, 3, 9), 110)
    report = await _run(books, date(2026, 3, 10))
    assert (report.checked, _ids(report)) == (1, ([throttled.id], [], []))
    invoices = {i.subscription_id: i for i in await books.invoicing.run(MARCH, today=APRIL)}
    for sub in (throttled, charged):
        lines = await invoice_lines(books.session, invoices[sub.id].id)
        assert [(x.kind, x.amount_minor) for x in lines] == [("recurring", 3000), ("usage", 500)]
    assert [row[1] for row in await _rows(books, charged)] == [None, None]  # activation only


async def test_a_quarterly_plan_caps_the_quarter(books: JobBooks) -> None:
    """60 GB in January and 50 in February add up in Q1: throttled on 20 February, still on
    1 March (same quarter), restored on 1 April."""
    plan = await _capped(books, period="quarter", price_minor=9000)
    sub = await books.subscribe(await books.customer(), plan, date(2026, 1, 1), if_index=14)
    await _use(books, 14, date(2026, 1, 20), 60)
    assert _ids(await _run(books, date(2026, 1, 31))) == ([], [], [])
    await _use(books, 14, date(2026, 2, 19), 50)
    assert _ids(await _run(books, date(2026, 2, 20))) == ([sub.id], [], [])
    assert sub.cap_throttled_period == date(2026, 1, 1)
    assert _ids(await _run(books, MARCH)) == ([], [], [])
    assert _ids(await _run(books, APRIL)) == ([], [sub.id], [])
    assert [row[1] for row in await _rows(books, sub)] == [
        None, None, "cap_throttle", "cap_restore"]


async def test_a_new_period_already_over_the_cap_stays_throttled(books: JobBooks) -> None:
    """A run that misses the first days of April finds April over the cap already: the
    throttle carries over to April with no job; May restores."""
    sub = await books.subscribe(await books.customer(), await _capped(books), MARCH,
                                if_index=15)
    await _use(books, 15, date(2026, 3, 20), 120)
    assert _ids(await _run(books, date(2026, 3, 21))) == ([sub.id], [], [])
    await _use(books, 15, date(2026, 4, 2), 130)
    assert _ids(await _run(books, date(2026, 4, 5))) == ([], [], [])
    assert (sub.cap_throttled_since, sub.cap_throttled_period) == (date(2026, 3, 21), APRIL)
    assert _ids(await _run(books, date(2026, 5, 1))) == ([], [sub.id], [])
    assert [row[1] for row in await _rows(books, sub)] == [
        None, None, "cap_throttle", "cap_restore"]


async def test_suspended_subscriptions_are_left_to_dunning(books: JobBooks) -> None:
    """Suspended over the cap: no job. A throttled subscriber suspended and resumed in the
    same period comes back at the throttle rate; one suspended into the next period has its
    throttle dropped without a job and comes back at the plan's rate."""
    lifecycle = books.lifecycle
    sub = await books.subscribe(await books.customer(), await _capped(books), MARCH,
                                if_index=16)
    await lifecycle.suspend(sub, date(2026, 3, 5), "throttle", reason="dunning")
    await _use(books, 16, date(2026, 3, 6), 150)
    report = await _run(books, date(2026, 3, 7))
    assert (report.checked, _ids(report)) == (1, ([], [], []))
    await lifecycle.resume(sub, date(2026, 3, 8))
    assert _ids(await _run(books, date(2026, 3, 8))) == ([sub.id], [], [])
    await lifecycle.suspend(sub, date(2026, 3, 12), "disconnect", reason="dunning")
    assert _ids(await _run(books, date(2026, 3, 13))) == ([], [], [])
    await lifecycle.resume(sub, date(2026, 3, 14))
    port = sub.port
    resumed = (await _rows(books, sub))[-2:]
    assert resumed == [("resume", "cap_throttle", "resume_customer", {"interface": port}),
                       ("resume", "cap_throttle", "set_port_speed",
                        {"interface": port, "rate_kbps": 1024})]
    assert _ids(await _run(books, date(2026, 3, 20))) == ([], [], [])
    await lifecycle.suspend(sub, date(2026, 3, 25), "disconnect", reason="dunning")
    before = len(await _rows(books, sub))
    assert _ids(await _run(books, APRIL)) == ([], [], [sub.id])
    assert len(await _rows(books, sub)) == before and sub.cap_throttled_period is None
    await lifecycle.resume(sub, date(2026, 4, 3))
    assert (await _rows(books, sub))[-1] == _plan_rate("resume", None, port)


async def test_a_plan_change_mid_period_is_evaluated_again(books: JobBooks) -> None:
    """Throttled at 150 GB on the 100 GB plan; a change to a 200 GB plan re-rates the port
    (its own job), and the next run drops the throttle without a job. At 210 GB the new
    plan throttles to its own rate; a change back to the 100 GB plan is throttled again."""
    small = await _capped(books)
    large = await _capped(books, gb_cap=Decimal(200), cap_throttle_down_kbps=2048)
    sub = await books.subscribe(await books.customer(), small, MARCH, if_index=17)
    port = sub.port
    await _use(books, 17, date(2026, 3, 9), 150)
    assert _ids(await _run(books, date(2026, 3, 10))) == ([sub.id], [], [])
    await books.lifecycle.change_plan(sub, large, date(2026, 3, 15))
    assert _ids(await _run(books, date(2026, 3, 15))) == ([], [], [sub.id])
    assert sub.cap_throttled_period is None
    await _use(books, 17, date(2026, 3, 20), 60)
    assert _ids(await _run(books, date(2026, 3, 21))) == ([sub.id], [], [])
    await books.lifecycle.change_plan(sub, small, date(2026, 3, 25))
    assert _ids(await _run(books, date(2026, 3, 25))) == ([sub.id], [], [])
    assert (await _rows(books, sub))[2:] == [
        _throttle(port), _plan_rate("change_speed", None, port), _throttle(port, 2048),
        _plan_rate("change_speed", None, port), _throttle(port)]


async def test_plans_carry_the_cap_and_the_api_runs_it(hub: Hub) -> None:
    """Plan validation, versions copying the cap, and POST /billing/usage-caps/run."""
    owner = await hub.new_tenant("caps-api")
    base = {"name": "Capped", "currency": "EUR", "down_kbps": 100_000, "up_kbps": 20_000,
            "price_minor": 3000, "usage_kind": "gb", "gb_cap": "100"}
    for body, needs in (({"cap_action": "throttle"}, "cap_throttle_down_kbps"),
                        ({}, "overage_per_gb"),
                        ({"usage_kind": "none", "cap_action": "throttle"}, "usage_kind gb"),
                        ({"cap_action": "throttle", "cap_throttle_down_kbps": 200_000,
                          "cap_throttle_up_kbps": 512}, "must not exceed")):
        resp = await hub.client.post("/billing/plans", json={**base, **body},
                                     headers=owner.headers)
        assert resp.status_code == 422 and needs in resp.text, resp.text
    plan = await hub.post(owner, "/billing/plans", {
        **base, "cap_action": "throttle", "cap_throttle_down_kbps": 1024,
        "cap_throttle_up_kbps": 512})
    version = await hub.post(owner, f"/billing/plans/{plan['id']}/versions",
                             {"price_minor": 3500, "effective_from": "2026-06-01"})
    assert [(v["cap_action"], v["cap_throttle_down_kbps"], v["cap_throttle_up_kbps"])
            for v in (plan, version)] == [("throttle", 1024, 512)] * 2
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": (await api_customer(hub, owner))["id"], "plan_id": plan["id"]})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-03-01"})
    report = await hub.post(owner, "/billing/usage-caps/run", {"today": "2026-03-10"})
    # No port bound: no usage to read, nothing to throttle.
    assert report == {"today": "2026-03-10", "checked": 1, "throttled": [], "restored": [],
                      "cleared": []}
    got = await hub.client.get(f"/billing/subscriptions/{sub['id']}", headers=owner.headers)
    assert got.json()["cap_throttled_since"] is None
