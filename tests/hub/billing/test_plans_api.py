"""Plans over the API: get, update (no money fields), periods, price versions and moving
subscriptions to them, archive (no new subscriptions; existing ones keep running)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.hub.billing.matrix import customer
from tests.hub.harness import Account, Hub

FIBRE = {"name": "Fibre", "currency": "EUR", "down_kbps": 100_000, "up_kbps": 20_000,
         "price_minor": 3000}


def _day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


async def _subscribe(hub: Hub, owner: Account, plan_id: str) -> dict[str, Any]:
    return await hub.post(owner, "/billing/subscriptions", {
        "customer_id": (await customer(hub, owner))["id"], "plan_id": plan_id})


async def _activate(hub: Hub, owner: Account, sub: dict[str, Any], on: str) -> None:
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": on})


async def test_get_update_and_period_rules(hub: Hub) -> None:
    owner = await hub.new_tenant("plans-api")
    made = await hub.post(owner, "/billing/plans", {**FIBRE, "period": "quarter",
                                                    "description": "100/20"})
    assert (made["period"], made["version"], made["family_id"], made["effective_from"]) == (
        "quarter", 1, made["id"], None)
    path = f"/billing/plans/{made['id']}"
    got = (await hub.client.get(path, headers=owner.headers)).json()
    assert (got["name"], got["description"], got["price_minor"]) == ("Fibre", "100/20", 3000)
    renamed = await hub.client.patch(path, json={"name": "Fibre 100"}, headers=owner.headers)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Fibre 100"
    assert renamed.json()["description"] == "100/20"
    money = await hub.client.patch(path, json={"price_minor": 1}, headers=owner.headers)
    assert money.status_code == 422 and "price_minor" in money.text
    for bad in ({"period": "week"}, {"period": "year", "minimum_term_periods": 12}):
        refused = await hub.client.post("/billing/plans", json={**FIBRE, **bad},
                                        headers=owner.headers)
        assert refused.status_code == 422, (bad, refused.text)
    assert "only supported on monthly plans" in refused.text
    monthly = await hub.post(owner, "/billing/plans", FIBRE)
    sub = await _subscribe(hub, owner, monthly["id"])
    await _activate(hub, owner, sub, "2026-01-01")
    change = await hub.client.post(f"/billing/subscriptions/{sub['id']}/transitions", json={
        "action": "change_plan", "plan_id": made["id"], "on": "2026-02-01"},
        headers=owner.headers)
    assert change.status_code == 422 and "billed per quarter" in change.text, change.text


async def test_price_versions_over_the_api(hub: Hub) -> None:
    owner = await hub.new_tenant("plans-versions")
    v1 = await hub.post(owner, "/billing/plans", FIBRE)
    first = await _subscribe(hub, owner, v1["id"])  # before any other version: on v1
    await _activate(hub, owner, first, _day(-60))
    second = await _subscribe(hub, owner, v1["id"])
    await _activate(hub, owner, second, _day(-60))
    versions = f"/billing/plans/{v1['id']}/versions"
    v2 = await hub.post(owner, versions, {"price_minor": 3500, "effective_from": _day(-30)})
    assert (v2["version"], v2["family_id"], v2["price_minor"], v2["name"]) == (
        2, v1["id"], 3500, "Fibre")
    v3 = await hub.post(owner, versions, {"price_minor": 4000, "effective_from": _day(365)})
    stale = await hub.client.post(versions, json={"price_minor": 1,
                                                  "effective_from": _day(300)},
                                  headers=owner.headers)
    assert stale.status_code == 409 and "must start after it" in stale.text
    old = (await hub.client.get(f"/billing/plans/{v1['id']}", headers=owner.headers)).json()
    assert (old["superseded_from"], old["price_minor"]) == (_day(-30), 3000)
    # New subscriptions get the version in force today, whichever version is named.
    assert (await _subscribe(hub, owner, v1["id"]))["plan_id"] == v2["id"]
    assert (await _subscribe(hub, owner, v3["id"]))["plan_id"] == v2["id"]
    # Existing ones stay on v1 until moved: one by a plan change naming the plan...
    moved = await hub.post(owner, f"/billing/subscriptions/{first['id']}/transitions",
                           {"action": "change_plan", "plan_id": v1["id"], "on": _day(-10)})
    assert moved["plan_id"] == v2["id"]
    still = (await hub.client.get(f"/billing/subscriptions/{second['id']}",
                                  headers=owner.headers)).json()
    assert still["plan_id"] == v1["id"]
    # ...the rest at once.
    bulk = await hub.post(owner, f"/billing/plans/{v1['id']}/move-subscriptions",
                          {"on": _day(-5)})
    assert (bulk["version_id"], bulk["moved"], bulk["refused"]) == (v2["id"], [second["id"]],
                                                                    [])
    listed = (await hub.client.get("/billing/plans", headers=owner.headers)).json()["data"]
    assert sorted(p["version"] for p in listed if p["family_id"] == v1["id"]) == [1, 2, 3]


async def test_archived_plans_take_no_new_subscriptions_and_keep_billing(hub: Hub) -> None:
    owner = await hub.new_tenant("plans-archive")
    made = await hub.post(owner, "/billing/plans", FIBRE)
    sub = await _subscribe(hub, owner, made["id"])
    await _activate(hub, owner, sub, "2026-01-01")
    other = await hub.post(owner, "/billing/plans", {**FIBRE, "name": "Other"})
    elsewhere = await _subscribe(hub, owner, other["id"])
    await _activate(hub, owner, elsewhere, "2026-01-01")
    archived = await hub.client.post(f"/billing/plans/{made['id']}/archive",
                                     headers=owner.headers)
    assert archived.status_code == 200 and archived.json()["archived_at"] is not None
    listed = (await hub.client.get("/billing/plans", headers=owner.headers)).json()["data"]
    assert [p["id"] for p in listed] == [other["id"]]
    everything = (await hub.client.get("/billing/plans", params={"include_archived": "true"},
                                       headers=owner.headers)).json()["data"]
    assert {p["id"] for p in everything} == {made["id"], other["id"]}
    new = await hub.client.post("/billing/subscriptions", headers=owner.headers, json={
        "customer_id": (await customer(hub, owner))["id"], "plan_id": made["id"]})
    assert new.status_code == 409 and "archived" in new.text
    change = await hub.client.post(f"/billing/subscriptions/{elsewhere['id']}/transitions",
                                   json={"action": "change_plan", "plan_id": made["id"],
                                         "on": "2026-02-01"}, headers=owner.headers)
    assert change.status_code == 409 and "archived" in change.text
    version = await hub.client.post(f"/billing/plans/{made['id']}/versions", json={
        "price_minor": 1, "effective_from": "2030-01-01"}, headers=owner.headers)
    assert version.status_code == 409
    run = await hub.post(owner, "/billing/runs", {"period": "2026-01-01", "today": "2026-01-01"})
    billed = {i["subscription_id"]: i["total_minor"] for i in run["created"]}
    assert billed == {sub["id"]: 3000, elsewhere["id"]: 3000}  # still running and invoiced
