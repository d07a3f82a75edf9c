"""Customers over the API: update with validation, search with cursor pagination, archive."""

from __future__ import annotations

from typing import Any

from hub.permissions import Role
from tests.hub.billing.matrix import plan
from tests.hub.harness import Account, Hub


async def _customer(hub: Hub, who: Account, **extra: Any) -> dict[str, Any]:
    return await hub.post(who, "/billing/customers", {"currency": "EUR", **extra})


async def _list(hub: Hub, who: Account, **query: str) -> tuple[list[str], str | None]:
    resp = await hub.client.get("/billing/customers", params=query, headers=who.headers)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    return [c["name"] for c in body["data"]], body["next_cursor"]


async def _search_all(hub: Hub, who: Account, q: str) -> list[str]:
    """Every page of a search, two at a time, following `next_cursor`."""
    names, cursor = await _list(hub, who, q=q, limit="2")
    while cursor is not None:
        more, cursor = await _list(hub, who, q=q, limit="2", cursor=cursor)
        names += more
    return names


async def test_update_changes_the_fields_sent_and_validates_them(hub: Hub) -> None:
    owner = await hub.new_tenant("cust-update")
    billing = await hub.add_user(owner, Role.BILLING)
    made = await _customer(hub, billing, name="Ada Lovelace", email="ada@example.net",
                           phone="+44 20 7946 0000", account_number="ACC-1")
    assert (made["phone"], made["account_number"], made["archived_at"]) == (
        "+44 20 7946 0000", "ACC-1", None)
    path = f"/billing/customers/{made['id']}"
    resp = await hub.client.patch(path, json={"service_address": "2 Fibre Lane",
                                              "phone": "020 7946 0001"}, headers=billing.headers)
    assert resp.status_code == 200, resp.text
    changed = resp.json()
    assert (changed["service_address"], changed["phone"]) == ("2 Fibre Lane", "020 7946 0001")
    assert (changed["name"], changed["email"], changed["account_number"]) == (
        "Ada Lovelace", "ada@example.net", "ACC-1")  # left out: kept
    for bad, field in (({"email": "not-an-address"}, "email"), ({"phone": "call me"}, "phone"),
                       ({"currency": "USD"}, "currency"), ({"name": ""}, "name")):
        refused = await hub.client.patch(path, json=bad, headers=billing.headers)
        assert refused.status_code == 422 and field in refused.text, (bad, refused.text)
    null_name = await hub.client.patch(path, json={"name": None}, headers=billing.headers)
    assert null_name.status_code == 422 and "may not be null" in null_name.text
    other = await _customer(hub, billing, name="Other", account_number="ACC-2")
    taken = await hub.client.patch(f"/billing/customers/{other['id']}",
                                   json={"account_number": "ACC-1"}, headers=billing.headers)
    assert taken.status_code == 409 and "ACC-1" in taken.text and "already used" in taken.text
    no_rate = await hub.client.patch(path, json={"tax_jurisdiction": "XX"},
                                     headers=billing.headers)
    assert no_rate.status_code == 422 and "POST /billing/tax-rates" in no_rate.text
    cleared = await hub.client.patch(path, json={"account_number": None},
                                     headers=billing.headers)
    assert cleared.status_code == 200 and cleared.json()["account_number"] is None
    got = (await hub.client.get(path, headers=billing.headers)).json()
    assert (got["phone"], got["account_number"]) == ("020 7946 0001", None)
    # A billing day of its own, then back to the tenant's schedule day (null).
    own_day = await hub.client.patch(path, json={"billing_day": 15}, headers=billing.headers)
    assert own_day.status_code == 200 and own_day.json()["billing_day"] == 15
    assert (await hub.client.patch(path, json={"billing_day": 31},
                                   headers=billing.headers)).status_code == 422
    tenant_day = await hub.client.patch(path, json={"billing_day": None},
                                        headers=billing.headers)
    assert tenant_day.status_code == 200 and tenant_day.json()["billing_day"] is None


async def test_search_matches_every_field_ignoring_case_across_pages(hub: Hub) -> None:
    owner = await hub.new_tenant("cust-search")
    await _customer(hub, owner, name="Grace HOPPER", email="grace@navy.example")
    await _customer(hub, owner, name="Hopper Farms Ltd", service_address="1 Mill Road")
    await _customer(hub, owner, name="Alan", email="alan@hopper.example")
    await _customer(hub, owner, name="Barbara", account_number="HOP-77")
    await _customer(hub, owner, name="Edsger", phone="+31 20 555 0199",
                    service_address="Hopperstraat 5")
    await _customer(hub, owner, name="Dennis 100% fibre", phone="+1 555 0100")
    assert sorted(await _search_all(hub, owner, "hopper")) == sorted(
        ["Grace HOPPER", "Hopper Farms Ltd", "Alan", "Edsger"])
    assert await _search_all(hub, owner, "hop-77") == ["Barbara"]  # account number
    assert await _search_all(hub, owner, "555 0199") == ["Edsger"]  # phone
    assert await _search_all(hub, owner, "MILL road") == ["Hopper Farms Ltd"]  # address
    assert await _search_all(hub, owner, "100%") == ["Dennis 100% fibre"]  # % is literal
    assert await _search_all(hub, owner, "_") == []  # so is _
    everyone, cursor = await _list(hub, owner, limit="4")
    assert len(everyone) == 4 and cursor is not None
    rest, last = await _list(hub, owner, limit="4", cursor=cursor)
    assert len(rest) == 2 and last is None and not set(everyone) & set(rest)
    stranger = await hub.new_tenant("cust-search-other")
    assert await _search_all(hub, stranger, "hopper") == []


async def test_archive_is_refused_while_in_service_or_owing_then_hides_the_customer(
        hub: Hub) -> None:
    owner = await hub.new_tenant("cust-archive")
    made = await _customer(hub, owner, name="Leaving Ltd")
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": made["id"], "plan_id": (await plan(hub, owner))["id"]})
    archive = f"/billing/customers/{made['id']}/archive"
    refused = await hub.client.post(archive, headers=owner.headers)
    assert refused.status_code == 409 and "1 subscription(s)" in refused.text, refused.text
    transitions = f"/billing/subscriptions/{sub['id']}/transitions"
    await hub.post(owner, transitions, {"action": "activate", "on": "2026-03-01"})
    invoice = (await hub.post(owner, "/billing/runs", {"period": "2026-03-01",
                                                       "today": "2026-03-01"}))["created"][0]
    await hub.post(owner, transitions, {"action": "terminate", "on": "2026-04-01"})
    owing = await hub.client.post(archive, headers=owner.headers)
    assert owing.status_code == 409 and "open balance 3000" in owing.text, owing.text
    await hub.post(owner, "/billing/payments", {"customer_id": made["id"],
                                                "amount_minor": invoice["total_minor"] + 500})
    credit = await hub.client.post(archive, headers=owner.headers)
    assert credit.status_code == 409 and "credit 500" in credit.text and "refund" in credit.text
    await hub.post(owner, f"/billing/customers/{made['id']}/refunds", {"amount_minor": 500})
    done = await hub.client.post(archive, headers=owner.headers)
    assert done.status_code == 200 and done.json()["archived_at"] is not None, done.text
    again = await hub.client.post(archive, headers=owner.headers)
    assert again.json()["archived_at"] == done.json()["archived_at"]
    assert "Leaving Ltd" not in (await _list(hub, owner))[0]
    assert "Leaving Ltd" in (await _list(hub, owner, include_archived="true"))[0]
    assert await _search_all(hub, owner, "leaving") == []
    got = await hub.client.get(f"/billing/customers/{made['id']}", headers=owner.headers)
    assert got.status_code == 200 and got.json()["archived_at"] is not None
    new = await hub.client.post("/billing/subscriptions", headers=owner.headers, json={
        "customer_id": made["id"], "plan_id": (await plan(hub, owner))["id"]})
    assert new.status_code == 409 and "archived" in new.text
