"""Events emitted by real billing and support flows through the hub API, delivered to a
real receiver; rolled-back changes emit nothing; tenants never see each other's events."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from hub.billing.payments import PaymentService
from hub.billing.service import BillingService
from hub.events.models import OutboxEvent
from hub.principal import Principal
from tests.hub.billing.matrix import customer, plan
from tests.hub.events.receiver import Receiver, running_receiver
from tests.hub.events.support import (
    add_endpoint,
    event_count,
    standard_verifies,
    tick_until,
    worker,
)
from tests.hub.harness import Account, Hub, hub_settings, running_hub


async def _subscribed(hub: Hub, owner: Account) -> tuple[dict[str, str], dict[str, str]]:
    """A customer with an active 30.00 EUR subscription since 2026-01-01."""
    cust, prod = await customer(hub, owner), await plan(hub, owner)
    sub = await hub.post(owner, "/billing/subscriptions", {"customer_id": cust["id"],
                                                           "plan_id": prod["id"]})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-01-01"})
    return cust, sub


def _by_type(rx: Receiver) -> dict[str, dict[str, object]]:
    return {r.doc["type"]: r.doc["data"] for r in rx.requests}


async def test_billing_and_ticket_flow_emits_each_event_once(hub: Hub) -> None:
    owner = await hub.new_tenant("ev-flow")
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, rx.url)
        cust, sub = await _subscribed(hub, owner)
        [inv] = (await hub.post(owner, "/billing/runs", {"period": "2026-01-01",
                                                         "today": "2026-01-01"}))["created"]
        note = await hub.post(owner, f"/billing/invoices/{inv['id']}/credit-notes",
                              {"amount": "1.00", "reason": "outage"})
        pay = await hub.post(owner, "/billing/payments", {"customer_id": cust["id"],
                                                          "amount_minor": 4000})
        await hub.post(owner, f"/billing/customers/{cust['id']}/refunds", {"amount_minor": 500})
        await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                       {"action": "suspend", "on": "2026-01-20"})
        ticket = await hub.post(owner, "/tickets", {"customer_id": cust["id"],
                                                    "subject": "slow", "body": "evenings"})
        await hub.post(owner, f"/tickets/{ticket['id']}/comments", {"body": "checking"})
        resolved = await hub.client.patch(f"/tickets/{ticket['id']}",
                                          json={"status": "resolved"}, headers=owner.headers)
        assert resolved.status_code == 200
        w = worker(hub)
        await tick_until([w], lambda: len(rx.requests) >= 9)
        await w.close()
    types = Counter(r.doc["type"] for r in rx.requests)
    assert types == Counter({"subscription.activated": 1, "invoice.finalized": 1,
                             "invoice.credit_note": 1, "payment.received": 1,
                             "payment.refunded": 1, "subscription.suspended": 1,
                             "ticket.created": 1, "ticket.updated": 2})
    assert len({r.headers["webhook-id"] for r in rx.requests}) == 9
    assert all(standard_verifies(made["secret"], r.headers, r.body) for r in rx.requests)
    data = _by_type(rx)
    assert data["invoice.finalized"] == {
        "invoice_id": inv["id"], "number": inv["number"], "customer_id": cust["id"],
        "subscription_id": sub["id"], "currency": "EUR", "subtotal": "30.00", "tax": "0.00",
        "total": "30.00", "issued_on": "2026-01-01", "due_on": "2026-01-15",
        "period_start": "2026-01-01", "period_end": "2026-02-01"}
    assert data["invoice.credit_note"]["credits_invoice_id"] == inv["id"]
    assert data["invoice.credit_note"]["invoice_id"] == note["id"]
    assert data["invoice.credit_note"]["total"] == "1.00"
    assert data["payment.received"] == {
        "payment_id": pay["id"], "customer_id": cust["id"], "currency": "EUR",
        "amount": "40.00", "method": "manual", "received_on": pay["received_on"],
        "unallocated": "11.00"}
    assert data["payment.refunded"]["amount"] == "5.00"
    suspended = data["subscription.suspended"]
    assert (suspended["subscription_id"], suspended["status"]) == (sub["id"], "suspended")
    assert suspended["effective_on"] == "2026-01-20"
    changes = sorted(r.doc["data"]["change"] for r in rx.of_type("ticket.updated"))
    assert changes == ["commented", "updated"]
    assert {r.doc["data"]["status"] for r in rx.of_type("ticket.updated")} >= {"resolved"}


async def test_dunning_suspension_and_the_settling_payment_emit_events(hub: Hub) -> None:
    owner = await hub.new_tenant("ev-dunning")
    async with running_receiver() as rx:
        await add_endpoint(hub, owner, rx.url, ["subscription.suspended",
                                                "subscription.resumed", "payment.received"])
        cust, sub = await _subscribed(hub, owner)
        await hub.post(owner, "/billing/runs", {"period": "2026-01-01", "today": "2026-01-01"})
        steps = await hub.post(owner, "/billing/dunning/runs", {"today": "2026-02-05"})
        assert "suspend" in [s["step"] for s in steps["steps"]]
        await hub.post(owner, "/billing/payments", {"customer_id": cust["id"],
                                                    "amount_minor": 3000})
        w = worker(hub)
        await tick_until([w], lambda: len(rx.requests) >= 3)
        await w.close()
    data = _by_type(rx)
    assert sorted(data) == ["payment.received", "subscription.resumed",
                            "subscription.suspended"]
    assert data["subscription.suspended"]["suspend_reason"] == "dunning"
    assert data["subscription.resumed"]["status"] == "active"
    assert data["subscription.resumed"]["subscription_id"] == sub["id"]


async def test_a_rolled_back_change_leaves_no_event(hub: Hub) -> None:
    owner = await hub.new_tenant("ev-rollback")
    cust = await customer(hub, owner)
    caller = Principal("user", owner.user_id, owner.tenant_id, frozenset({"billing:write"}),
                       ("billing",))
    async with hub.app.state.sessions() as session:
        service = BillingService(session, caller)
        row = await service.customers.get(uuid.UUID(cust["id"]))
        await PaymentService(session, owner.tenant_id, service.lifecycle).record(
            row, 1000, date(2026, 1, 5), "BANK-42")
        staged = select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.tenant_id == owner.tenant_id)
        assert (await session.execute(staged)).scalar_one() == 1  # in the transaction...
        await session.rollback()  # ...which fails
    assert await event_count(hub, owner.tenant_id, "payment.received") == 0
    refused = await hub.client.post(f"/billing/customers/{cust['id']}/refunds",
                                    json={"amount_minor": 10**6}, headers=owner.headers)
    assert refused.status_code == 422
    assert await event_count(hub, owner.tenant_id, "payment.refunded") == 0
    await hub.post(owner, "/billing/payments", {"customer_id": cust["id"],
                                                "amount_minor": 1000, "reference": "BANK-42"})
    assert await event_count(hub, owner.tenant_id, "payment.received") == 1


async def test_tenant_b_endpoint_never_receives_tenant_a_events(hub: Hub) -> None:
    owner_a, owner_b = await hub.new_tenant("ev-a"), await hub.new_tenant("ev-b")
    async with running_receiver() as rx:
        await add_endpoint(hub, owner_a, f"{rx.url}/a")
        await add_endpoint(hub, owner_b, f"{rx.url}/b")
        made = {}
        for owner, label in ((owner_a, "a"), (owner_b, "b")):
            cust = await customer(hub, owner)
            made[label] = (await hub.post(owner, "/tickets", {"customer_id": cust["id"],
                                                              "subject": label}))["id"]
            await hub.post(owner, "/billing/payments", {"customer_id": cust["id"],
                                                        "amount_minor": 100})
        w = worker(hub)
        await tick_until([w], lambda: len(rx.requests) >= 4)
        await w.close()
    for label, owner in (("a", owner_a), ("b", owner_b)):
        mine = [r.doc for r in rx.requests if r.path == f"/{label}"]
        assert len(mine) == 2 and {d["tenant_id"] for d in mine} == {str(owner.tenant_id)}
        tickets = [d["data"]["ticket_id"] for d in mine if d["type"] == "ticket.created"]
        assert tickets == [made[label]]


async def test_embedded_worker_delivers_from_the_api_process(
        hub: Hub, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOTMAC_HUB_WEBHOOK_EMBEDDED", "true")
    monkeypatch.setenv("DOTMAC_HUB_WEBHOOK_INTERVAL_S", "0.05")
    async with running_receiver() as rx, running_hub(hub_settings(pg_url), migrate=False) as app:
        owner = await app.new_tenant("ev-embedded")
        made = await add_endpoint(app, owner, rx.url)
        ping = await app.post(owner, f"/webhooks/endpoints/{made['id']}/ping", {})
        for _ in range(200):
            if rx.requests:
                break
            await asyncio.sleep(0.05)
        assert [r.headers["webhook-id"] for r in rx.requests] == [ping["id"]]
        # the worker counts the delivery once the receiver's answer is back and recorded
        delivered = 'dotmac_hub_webhook_deliveries_total{outcome="delivered",reason="http_2xx"} 1'
        for _ in range(100):
            if delivered in (await app.client.get("/metrics")).text:
                break
            await asyncio.sleep(0.05)
        assert delivered in (await app.client.get("/metrics")).text
