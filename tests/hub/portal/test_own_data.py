"""Subscriptions, payments and usage in the portal are the caller's own: another customer's,
in the same tenant or another one, is never listed and answers 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.portal.support import Member, member, plan, subscription

PUBLIC_SUBSCRIPTION = {"id", "plan_id", "plan_name", "price", "currency", "period", "down_kbps",
                       "up_kbps", "usage_kind", "status", "started_on", "ended_on",
                       "term_ends_on"}


async def _get(hub: Hub, who: Account, path: str, **params: Any) -> Any:
    resp = await hub.client.get(path, params=params, headers=who.headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


async def _customer_with_things(hub: Hub, owner: Account) -> tuple[Member, dict[str, Any]]:
    """A portal customer with one active subscription and two payments."""
    me = await member(hub, owner)
    quarterly = await plan(hub, owner, period="quarter", price_minor=8550)
    sub = await subscription(hub, owner, me.customer_id, quarterly["id"],
                             started=date(2026, 1, 1))
    for amount in (1000, 2500):
        await hub.post(owner, "/billing/payments", {"customer_id": me.customer_id,
                                                    "amount_minor": amount})
    return me, sub


async def test_subscriptions_show_plan_price_and_period_but_no_port(hub: Hub) -> None:
    owner = await hub.new_tenant("subs")
    me, sub = await _customer_with_things(hub, owner)
    page = await _get(hub, me.account, "/portal/subscriptions")
    [row] = page["data"]
    assert set(row) == PUBLIC_SUBSCRIPTION  # no device, if_index, port or network state
    assert (row["id"], row["price"], row["currency"], row["period"], row["status"],
            row["started_on"]) == (sub["id"], "85.50", "EUR", "quarter", "active", "2026-01-01")
    assert row["plan_name"].startswith("p-") and page["next_cursor"] is None


async def test_payments_are_paged_with_a_cursor(hub: Hub) -> None:
    owner = await hub.new_tenant("pays")
    me, _ = await _customer_with_things(hub, owner)
    first = await _get(hub, me.account, "/portal/payments", limit=1)
    second = await _get(hub, me.account, "/portal/payments", limit=1,
                        cursor=first["next_cursor"])
    assert first["next_cursor"] and second["next_cursor"] is None
    amounts = sorted(p["amount_minor"] for p in first["data"] + second["data"])
    assert amounts == [1000, 2500]
    assert {p["customer_id"] for p in first["data"] + second["data"]} == {me.customer_id}


async def test_two_customers_of_one_tenant_see_only_their_own(hub: Hub) -> None:
    owner = await hub.new_tenant("pair")
    alice, alice_sub = await _customer_with_things(hub, owner)
    bob, bob_sub = await _customer_with_things(hub, owner)
    for me, mine, theirs in ((alice, alice_sub, bob_sub), (bob, bob_sub, alice_sub)):
        subs = await _get(hub, me.account, "/portal/subscriptions")
        assert [s["id"] for s in subs["data"]] == [mine["id"]]
        pays = await _get(hub, me.account, "/portal/payments")
        assert {p["customer_id"] for p in pays["data"]} == {me.customer_id}
        own = await hub.client.get(f"/portal/subscriptions/{mine['id']}/usage",
                                   headers=me.account.headers)
        assert own.status_code == 200, own.text
        other = await hub.client.get(f"/portal/subscriptions/{theirs['id']}/usage",
                                     headers=me.account.headers)
        assert other.status_code == 404 and theirs["customer_id"] not in other.text
        assert "GET /portal/subscriptions" in other.json()["detail"]


async def test_another_tenants_customer_sees_nothing_of_this_one(hub: Hub) -> None:
    owner_a, owner_b = await hub.new_tenant("iso-a"), await hub.new_tenant("iso-b")
    alice, alice_sub = await _customer_with_things(hub, owner_a)
    mallory = await member(hub, owner_b)
    assert (await _get(hub, mallory.account, "/portal/subscriptions"))["data"] == []
    assert (await _get(hub, mallory.account, "/portal/payments"))["data"] == []
    profile = await _get(hub, mallory.account, "/portal/profile")
    assert profile["id"] == mallory.customer_id != alice.customer_id
    usage = await hub.client.get(f"/portal/subscriptions/{alice_sub['id']}/usage",
                                 headers=mallory.account.headers)
    assert usage.status_code == 404
    staff_b = await hub.client.get(f"/portal/subscriptions/{alice_sub['id']}/usage",
                                   headers=owner_b.headers)
    assert staff_b.status_code == 404  # billing:read reaches the own tenant only


async def test_staff_lists_are_empty_and_billing_staff_read_any_usage(hub: Hub) -> None:
    owner = await hub.new_tenant("staff")
    _, sub = await _customer_with_things(hub, owner)
    assert (await _get(hub, owner, "/portal/subscriptions"))["data"] == []
    assert (await _get(hub, owner, "/portal/payments"))["data"] == []
    usage = await _get(hub, owner, f"/portal/subscriptions/{sub['id']}/usage")
    assert usage["subscription_id"] == sub["id"] and usage["days"] == []
