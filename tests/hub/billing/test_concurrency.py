"""Concurrent billing work on one customer from two hub processes takes turns (PostgreSQL).

Two app instances share one database, as two hub processes do. Every money or lifecycle
step locks the customer's row first (docs/billing.md, concurrency). The races are made
deterministic: a third connection holds the customer row locked, the requests are started
and seen waiting on it in `pg_stat_activity` (in the order the test wants), then the lock is
released.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psycopg
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import create_engine, session_factory
from tests.hub.billing.matrix import customer
from tests.hub.harness import Account, Hub, hub_settings, running_hub, scalar

PORT = "GigabitEthernet0/3"
POLICY_WAITING = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND wait_event_type = 'Lock' AND query ILIKE '%billing_dunning_policies%'")
WAITING = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
           "wait_event_type = 'Lock' AND query ILIKE '%FROM billing_customers%'")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def other(pg_url: str, hub: Hub) -> AsyncIterator[Hub]:
    """A second hub process on the same database (same signing secret: same tokens)."""
    async with running_hub(hub_settings(pg_url), migrate=False) as running:
        yield running


@asynccontextmanager
async def _holding(hub: Hub, customer_id: str) -> AsyncIterator[AsyncSession]:
    """The customer row locked by another transaction until the block ends."""
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            await session.execute(text("SELECT id FROM billing_customers WHERE id = :id "
                                       "FOR UPDATE"), {"id": uuid.UUID(customer_id)})
            yield session
            await session.rollback()
    finally:
        await engine.dispose()


async def _queued(hub: Hub, request: Awaitable[httpx.Response], waiting: int,
                  query: str = WAITING) -> asyncio.Task[httpx.Response]:
    """Start the request; return once `waiting` requests wait on the subscription lock."""
    task = asyncio.ensure_future(request)
    for _ in range(200):
        if await scalar(hub.settings, query) >= waiting:
            return task
        assert not task.done(), (await task).text
        await asyncio.sleep(0.05)
    raise AssertionError(f"never saw {waiting} requests waiting on a row lock")


async def _count(hub: Hub, sql: str, **params: Any) -> int:
    return int(await scalar(hub.settings, sql, **params))


async def _subscription(hub: Hub, owner: Account) -> dict[str, Any]:
    """An active 30.00 EUR subscription on a device with an agent (jobs really queue)."""
    site = await hub.post(owner, "/sites", {"name": f"s-{secrets.token_hex(3)}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"a-{secrets.token_hex(3)}"})
    device = await hub.post(owner, "/devices", {
        "site_id": site["id"], "name": f"sw-{secrets.token_hex(3)}", "agent_id": agent["id"],
        "management_address": "192.0.2.30", "profile": "cisco_ios"})
    plan = await hub.post(owner, "/billing/plans", {
        "name": "Fibre 100", "currency": "EUR", "down_kbps": 100_000, "up_kbps": 20_000,
        "price_minor": 3000})
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": (await customer(hub, owner))["id"], "plan_id": plan["id"],
        "device_id": device["id"], "port": PORT, "if_index": 3})
    return await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                          {"action": "activate", "on": "2026-02-01"})


async def _requests(hub: Hub, sub_id: str, action: str) -> int:
    return await _count(hub, "SELECT count(DISTINCT request_id) FROM "
                        "subscription_network_actions WHERE subscription_id = :s AND "
                        "action = :a", s=uuid.UUID(sub_id), a=action)


async def _events(hub: Hub, sub_id: str, type_: str) -> int:
    rows = await _count(hub, "SELECT count(*) FROM event_outbox WHERE type = :t AND "
                        "payload ->> 'subscription_id' = :s", t=type_, s=sub_id)
    return rows


async def test_two_processes_suspending_at_once_queue_one_job_set(hub: Hub, other: Hub,
                                                                  ) -> None:
    owner = await hub.new_tenant("race-suspend")
    sub = await _subscription(hub, owner)
    path, body = (f"/billing/subscriptions/{sub['id']}/transitions",
                  {"action": "suspend", "mode": "throttle", "on": "2026-03-10"})
    async with _holding(hub, sub["customer_id"]):
        first = await _queued(hub, hub.client.post(path, json=body, headers=owner.headers), 1)
        second = await _queued(hub, other.client.post(path, json=body, headers=owner.headers),
                               2)
    answers = [await first, await second]
    assert sorted(r.status_code for r in answers) == [200, 422], [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 422)
    assert "cannot suspend while suspended" in refused.json()["detail"]
    assert await _requests(hub, sub["id"], "suspend") == 1
    jobs = await _count(hub, "SELECT count(*) FROM provisioning_jobs WHERE tenant_id = :t "
                        "AND action = 'set_port_speed'", t=owner.tenant_id)
    assert jobs == 1
    assert await _events(hub, sub["id"], "subscription.suspended") == 1
    got = (await other.client.get(f"/billing/subscriptions/{sub['id']}",
                                  headers=owner.headers)).json()
    assert got["status"] == "suspended"


async def _overdue(hub: Hub, owner: Account) -> tuple[dict[str, Any], dict[str, Any]]:
    """An active subscription and its finalized March invoice (due 15 March), unpaid."""
    sub = await _subscription(hub, owner)
    run = await hub.post(owner, "/billing/runs", {"period": "2026-03-01",
                                                  "today": "2026-03-01"})
    invoice, = [i for i in run["created"] if i["subscription_id"] == sub["id"]]
    return sub, invoice


def _dunning(hub: Hub, owner: Account) -> Awaitable[httpx.Response]:
    # 21 days past due: reminder, throttle (suspends) and suspend are all due.
    return hub.client.post("/billing/dunning/runs", json={"today": "2026-04-05"},
                           headers=owner.headers)


def _payment(hub: Hub, owner: Account, invoice: dict[str, Any]) -> Awaitable[httpx.Response]:
    return hub.client.post("/billing/payments", headers=owner.headers, json={
        "customer_id": invoice["customer_id"], "amount_minor": invoice["total_minor"],
        "received_on": "2026-04-05", "reference": f"pay-{secrets.token_hex(3)}"})


async def _settled(hub: Hub, owner: Account, sub: dict[str, Any]) -> None:
    """Nothing owed and service on: active, no suspension reason left."""
    ledger = (await hub.client.get(f"/billing/customers/{sub['customer_id']}/ledger",
                                   headers=owner.headers)).json()
    assert ledger["balance_minor"] == 0
    state = await scalar(hub.settings, "SELECT status || '/' || coalesce(suspend_reason, '-') "
                         "FROM billing_subscriptions WHERE id = :s", s=uuid.UUID(sub["id"]))
    assert state == "active/-"


async def test_a_payment_settling_first_stops_the_dunning_suspension(hub: Hub, other: Hub,
                                                                    ) -> None:
    owner = await hub.new_tenant("race-pay-first")
    sub, invoice = await _overdue(hub, owner)
    async with _holding(hub, sub["customer_id"]):
        paid = await _queued(hub, _payment(other, owner, invoice), 1)
        dunned = await _queued(hub, _dunning(hub, owner), 2)
    assert (await paid).status_code == 201, (await paid).text
    assert (await dunned).json()["steps"] == []  # the invoice was paid: no step at all
    await _settled(hub, owner, sub)
    assert await _requests(hub, sub["id"], "suspend") == 0
    assert await _events(hub, sub["id"], "subscription.suspended") == 0


async def test_a_dunning_suspension_first_is_resumed_by_the_payment(hub: Hub, other: Hub,
                                                                   ) -> None:
    owner = await hub.new_tenant("race-dun-first")
    sub, invoice = await _overdue(hub, owner)
    async with _holding(hub, sub["customer_id"]):
        dunned = await _queued(hub, _dunning(hub, owner), 1)
        paid = await _queued(hub, _payment(other, owner, invoice), 2)
    assert [s["step"] for s in (await dunned).json()["steps"]] == [
        "reminder", "throttle", "suspend"]
    assert (await paid).status_code == 201, (await paid).text
    await _settled(hub, owner, sub)
    assert await _requests(hub, sub["id"], "suspend") == 1
    assert await _requests(hub, sub["id"], "resume") == 1
    assert await _events(hub, sub["id"], "subscription.resumed") == 1


async def _ledger(hub: Hub, owner: Account, customer_id: str) -> dict[str, Any]:
    resp = await hub.client.get(f"/billing/customers/{customer_id}/ledger",
                                headers=owner.headers)
    assert resp.status_code == 200, resp.text
    ledger: dict[str, Any] = resp.json()
    return ledger


async def test_two_payments_at_once_allocate_every_minor_unit(hub: Hub, other: Hub) -> None:
    """March and April invoices (30.00 each) open; 25.00 and 20.00 paid at once from two
    processes: 45.00 allocated oldest first (March 30.00, April 15.00), none lost."""
    owner = await hub.new_tenant("race-two-payments")
    sub, march = await _overdue(hub, owner)
    await hub.post(owner, "/billing/runs", {"period": "2026-04-01", "today": "2026-04-01"})
    body = {"customer_id": sub["customer_id"], "received_on": "2026-04-10"}
    async with _holding(hub, sub["customer_id"]):
        first = await _queued(hub, hub.client.post("/billing/payments", headers=owner.headers,
                                                   json={**body, "amount_minor": 2500}), 1)
        second = await _queued(hub, other.client.post(
            "/billing/payments", headers=owner.headers, json={**body, "amount_minor": 2000}), 2)
    assert [(await first).status_code, (await second).status_code] == [201, 201]
    customer = uuid.UUID(sub["customer_id"])
    paid = await _count(hub, "SELECT coalesce(sum(paid_minor), 0) FROM billing_invoices "
                        "WHERE customer_id = :c", c=customer)
    allocated = await _count(hub, "SELECT coalesce(sum(a.amount_minor), 0) FROM "
                             "billing_allocations a JOIN billing_payments p ON "
                             "p.id = a.payment_id WHERE p.customer_id = :c", c=customer)
    assert paid == allocated == 4500
    march_paid = await _count(hub, "SELECT paid_minor FROM billing_invoices WHERE id = :i",
                              i=uuid.UUID(march["id"]))
    assert march_paid == 3000
    open_minor = await _count(hub, "SELECT sum(total_minor - paid_minor - credited_minor) "
                              "FROM billing_invoices WHERE customer_id = :c", c=customer)
    ledger = await _ledger(hub, owner, sub["customer_id"])
    assert ledger["balance_minor"] == 6000 - 4500 == open_minor - ledger["credit_minor"]


async def test_a_deadlock_is_a_409_and_the_retry_succeeds(hub: Hub) -> None:
    """A billing run locks its customers one after the other; a transaction locking them in
    the other order deadlocks with it. PostgreSQL aborts the run (the other side waits
    longer before checking): 409, nothing stored; the same run again invoices both."""
    owner = await hub.new_tenant("race-deadlock")
    one, two = await _subscription(hub, owner), await _subscription(hub, owner)
    dsn = hub.settings.database_url.replace("postgresql+psycopg://", "postgresql://")
    lock = "SELECT id FROM billing_customers WHERE id = %s FOR UPDATE"
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        await conn.execute("SET deadlock_timeout = '60s'")
        await conn.execute(lock, (uuid.UUID(two["customer_id"]),))
        run = await _queued(hub, hub.client.post("/billing/runs", headers=owner.headers, json={
            "period": "2026-03-01", "today": "2026-03-01"}), 1)
        crossing = asyncio.ensure_future(conn.execute(lock, (uuid.UUID(one["customer_id"]),)))
        refused = await run
        await crossing
        await conn.rollback()
    assert refused.status_code == 409, refused.text
    assert "send the request again" in refused.json()["detail"]
    invoices = "SELECT count(*) FROM billing_invoices WHERE tenant_id = :t"
    assert await _count(hub, invoices, t=owner.tenant_id) == 0
    again = await hub.post(owner, "/billing/runs", {"period": "2026-03-01",
                                                    "today": "2026-03-01"})
    assert len(again["created"]) == 2
    assert await _count(hub, invoices, t=owner.tenant_id) == 2


async def test_first_reads_of_the_dunning_policy_at_once_create_one(hub: Hub,
                                                                    other: Hub) -> None:
    """The default policy is created on first read. Another process creating it at the same
    moment (held uncommitted here) makes ours wait on the unique index; once it commits,
    both requests answer 200 with that process's row (no unique-constraint 500)."""
    owner = await hub.new_tenant("race-policy")
    engine = create_engine(hub.settings.database_url)
    try:
        async with session_factory(engine)() as racer:
            await racer.execute(text(
                "INSERT INTO billing_dunning_policies (id, tenant_id, created_at, "
                "reminder_days, throttle_days, suspend_days, mode, quiet_weekdays, holidays) "
                "VALUES (:id, :t, now(), 2, 9, 19, 'throttle', '[]', '[]')"),
                {"id": uuid.uuid4(), "t": owner.tenant_id})
            path = "/billing/dunning/policy"
            reads = [await _queued(hub, h.client.get(path, headers=owner.headers), n,
                                   POLICY_WAITING) for n, h in ((1, hub), (2, other))]
            await racer.commit()
        answers = [await r for r in reads]
    finally:
        await engine.dispose()
    assert [r.status_code for r in answers] == [200, 200]
    assert [r.json()["suspend_days"] for r in answers] == [19, 19]
