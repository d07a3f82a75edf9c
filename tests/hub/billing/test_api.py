"""Billing and ticket endpoints end to end: roles, portal scoping, run idempotency, flags."""

from __future__ import annotations

from hub.permissions import Role
from tests.hub.billing.matrix import customer, plan
from tests.hub.harness import Account, Hub


async def test_billing_run_twice_over_the_api_and_subscription_flag(hub: Hub) -> None:
    owner = await hub.new_tenant("bill-api")
    billing = await hub.add_user(owner, Role.BILLING)
    cust, prod = await customer(hub, billing), await plan(hub, billing)
    sub = await hub.post(billing, "/billing/subscriptions", {"customer_id": cust["id"],
                                                             "plan_id": prod["id"]})
    assert sub["status"] == "pending" and sub["out_of_sync"] is False
    sub = await hub.post(billing, f"/billing/subscriptions/{sub['id']}/transitions",
                         {"action": "activate", "on": "2026-03-10"})
    assert sub["status"] == "active" and sub["out_of_sync"] is True  # not yet provisioned
    run = {"period": "2026-03-01", "today": "2026-04-01"}
    first = (await hub.post(billing, "/billing/runs", run))["created"]
    assert [(i["total_minor"], i["lines"][0]["kind"]) for i in first] == [(2129, "proration")]
    assert (await hub.post(billing, "/billing/runs", run))["created"] == []
    pay = await hub.post(billing, "/billing/payments", {"customer_id": cust["id"],
                                                        "amount_minor": 3000})
    assert pay["unallocated_minor"] == 3000 - 2129
    ledger = (await hub.client.get(f"/billing/customers/{cust['id']}/ledger",
                                   headers=billing.headers)).json()
    assert ledger["balance_minor"] == -871 and ledger["credit_minor"] == 871
    assert [e["kind"] for e in ledger["entries"]] == ["invoice", "payment"]


async def test_customer_sees_only_its_own_invoices_and_tickets(hub: Hub) -> None:
    owner = await hub.new_tenant("portal")
    alice, bob = await hub.add_user(owner, Role.CUSTOMER), await hub.add_user(owner, Role.CUSTOMER)
    support = await hub.add_user(owner, Role.SUPPORT)
    mine = await hub.post(alice, "/portal/tickets", {"subject": "slow at night",
                                                     "body": "since Monday"})
    await hub.post(bob, "/portal/tickets", {"subject": "bob's"})
    listed = (await hub.client.get("/portal/tickets", headers=alice.headers)).json()["data"]
    assert [t["id"] for t in listed] == [mine["id"]] and mine["opened_by_customer"]
    assert (await hub.client.get("/tickets", headers=alice.headers)).status_code == 403
    assert (await hub.client.get("/billing/invoices", headers=alice.headers)).status_code == 403
    for who in (alice, bob):
        await _invoice_for(hub, owner, who)
    invoices = (await hub.client.get("/portal/invoices", headers=alice.headers)).json()["data"]
    assert [i["customer_id"] for i in invoices] == [await _customer_of(hub, owner, alice)]
    staff_view = (await hub.client.get("/tickets", headers=support.headers)).json()["data"]
    assert {t["subject"] for t in staff_view} == {"slow at night", "bob's"}
    reply = await hub.post(support, f"/tickets/{mine['id']}/comments", {"body": "checking"})
    assert reply["first_response_at"] is not None and reply["resolved_at"] is None
    done = await hub.client.patch(f"/tickets/{mine['id']}", json={
        "status": "resolved", "assignee_id": str(support.user_id)}, headers=support.headers)
    assert done.status_code == 200 and done.json()["resolved_at"] is not None
    assert [c["by_staff"] for c in done.json()["comments"]] == [False, True]


async def _customer_of(hub: Hub, owner: Account, who: Account) -> str:
    user = (await hub.client.get(f"/users/{who.user_id}", headers=owner.headers)).json()
    return str(user["customer_id"])


async def _invoice_for(hub: Hub, owner: Account, who: Account) -> None:
    prod = await plan(hub, owner)
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": await _customer_of(hub, owner, who), "plan_id": prod["id"]})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-01-01"})
    await hub.post(owner, "/billing/runs", {"period": "2026-01-01", "today": "2026-01-01"})
