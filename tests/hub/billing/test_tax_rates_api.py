"""Tax rates over the API: list, get, rename, a new rate for invoices made from now on (an
invoice already issued keeps its rate and tax), archive once no customer uses it."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from tests.hub.billing.matrix import plan
from tests.hub.harness import Account, Hub


async def _invoice(hub: Hub, owner: Account, customer: dict[str, Any], period: str,
                   ) -> dict[str, Any]:
    made = await hub.post(owner, "/billing/runs", {"period": period, "today": period})
    mine: dict[str, Any]
    mine, = [i for i in made["created"] if i["customer_id"] == customer["id"]]
    return mine


async def test_a_new_rate_reaches_new_invoices_only(hub: Hub) -> None:
    owner = await hub.new_tenant("tax-rates")
    code = f"T{secrets.token_hex(3)}"
    rate = await hub.post(owner, "/billing/tax-rates", {"jurisdiction": code, "name": "VAT",
                                                        "rate": "0.2"})
    customer = await hub.post(owner, "/billing/customers", {"name": "Taxed", "currency": "EUR",
                                                            "tax_jurisdiction": code})
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": customer["id"], "plan_id": (await plan(hub, owner))["id"]})
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-01-01"})
    january = await _invoice(hub, owner, customer, "2026-01-01")
    assert (january["tax_minor"], january["total_minor"], january["tax_rate"]) == (
        600, 3600, "0.200000")
    path = f"/billing/tax-rates/{rate['id']}"
    resp = await hub.client.patch(path, json={"rate": "0.25", "name": "VAT 25"},
                                  headers=owner.headers)
    assert resp.status_code == 200, resp.text
    assert (Decimal(resp.json()["rate"]), resp.json()["name"]) == (Decimal("0.25"), "VAT 25")
    issued = (await hub.client.get(f"/billing/invoices/{january['id']}",
                                   headers=owner.headers)).json()
    assert (issued["tax_minor"], issued["total_minor"], issued["tax_rate"]) == (
        600, 3600, "0.200000")  # issued at 20 %: never changes
    february = await _invoice(hub, owner, customer, "2026-02-01")
    assert (february["tax_minor"], february["total_minor"], february["tax_rate"]) == (
        750, 3750, "0.250000")
    for bad in ({"jurisdiction": "XX"}, {"rate": "1.5"}, {"name": None}):
        refused = await hub.client.patch(path, json=bad, headers=owner.headers)
        assert refused.status_code == 422, (bad, refused.text)
    got = (await hub.client.get(path, headers=owner.headers)).json()
    assert (got["jurisdiction"], Decimal(got["rate"]), got["archived_at"]) == (
        code, Decimal("0.25"), None)


async def test_archive_waits_for_the_last_customer_then_hides_the_rate(hub: Hub) -> None:
    owner = await hub.new_tenant("tax-archive")
    old, new = f"O{secrets.token_hex(3)}", f"N{secrets.token_hex(3)}"
    rates = {code: await hub.post(owner, "/billing/tax-rates", {
        "jurisdiction": code, "name": "VAT", "rate": "0.1"}) for code in (old, new)}
    customer = await hub.post(owner, "/billing/customers", {"name": "Mover", "currency": "EUR",
                                                            "tax_jurisdiction": old})
    archive = f"/billing/tax-rates/{rates[old]['id']}/archive"
    refused = await hub.client.post(archive, headers=owner.headers)
    assert refused.status_code == 409 and "1 customer(s)" in refused.text, refused.text
    moved = await hub.client.patch(f"/billing/customers/{customer['id']}",
                                   json={"tax_jurisdiction": new}, headers=owner.headers)
    assert moved.status_code == 200, moved.text
    done = await hub.client.post(archive, headers=owner.headers)
    assert done.status_code == 200 and done.json()["archived_at"] is not None
    listed = (await hub.client.get("/billing/tax-rates", headers=owner.headers)).json()["data"]
    assert [r["jurisdiction"] for r in listed] == [new]
    everything = (await hub.client.get("/billing/tax-rates", params={"include_archived": "true"},
                                       headers=owner.headers)).json()["data"]
    assert sorted(r["jurisdiction"] for r in everything) == sorted([old, new])
    back = await hub.client.patch(f"/billing/customers/{customer['id']}",
                                  json={"tax_jurisdiction": old}, headers=owner.headers)
    assert back.status_code == 422 and "no tax rate in use" in back.text
    again = await hub.client.post("/billing/tax-rates", headers=owner.headers, json={
        "jurisdiction": old, "name": "VAT", "rate": "0.3"})
    assert again.status_code == 409 and "archived or not" in again.text
