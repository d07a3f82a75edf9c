"""Tenant hierarchy: the platform owner creates ISPs, an ISP its resellers; each level
manages the tenants beneath it and never reads their data; suspension refuses sign-ins."""

from __future__ import annotations

import uuid
from typing import Any

from tests.hub.harness import PASSWORD, Account, Hub
from tests.hub.tenants.matrix import new_tenant_body

JANUARY = {"start": "2026-01-01", "end": "2026-02-01", "on": "2026-01-15"}


async def _create(hub: Hub, by: Account, label: str, **extra: Any) -> tuple[dict[str, Any],
                                                                           Account]:
    """POST /tenants as `by`, then sign the new owner in."""
    body = new_tenant_body(label, **extra)
    made = await hub.post(by, "/tenants", body)
    return made, await hub.login(body["owner"]["email"])


async def _refused(hub: Hub, by: Account, status: int, **extra: Any) -> str:
    resp = await hub.client.post("/tenants", json=new_tenant_body("no", **extra),
                                 headers=by.headers)
    assert resp.status_code == status, resp.text
    detail: str = resp.json()["detail"]
    return detail


async def test_platform_owner_creates_an_isp_whose_owner_signs_in(hub: Hub,
                                                                  platform: Account) -> None:
    made, isp = await _create(hub, platform, "isp")
    me = (await hub.client.get("/tenants/current", headers=isp.headers)).json()
    assert me["kind"] == "isp" and me["parent_id"] == str(platform.tenant_id)
    assert isp.role == "owner" and str(isp.user_id) == made["owner_id"]
    assert str(isp.tenant_id) == made["id"] and made["suspended_at"] is None
    listed = (await hub.client.get("/tenants", params={"kind": "isp"},
                                   headers=platform.headers)).json()["data"]
    assert made["id"] in [t["id"] for t in listed]
    got = await hub.client.get(f"/tenants/{made['id']}", headers=platform.headers)
    assert got.status_code == 200 and got.json()["name"] == made["name"]
    audit = (await hub.client.get("/audit-events", params={"action": "tenant.create"},
                                  headers=platform.headers)).json()["data"]
    assert [e["target_id"] for e in audit][-1:] == [made["id"]]


async def test_platform_owner_never_reads_an_isps_data(hub: Hub, platform: Account) -> None:
    _, isp = await _create(hub, platform, "isp-data")
    customer = await hub.post(isp, "/billing/customers", {"name": "Ada", "currency": "EUR"})
    site = await hub.post(isp, "/sites", {"name": "ams1"})
    for path in (f"/billing/customers/{customer['id']}", f"/sites/{site['id']}",
                 f"/users/{isp.user_id}"):
        resp = await hub.client.get(path, headers=platform.headers)
        assert resp.status_code == 404, (path, resp.text)
    for path in ("/billing/customers", "/sites", "/users"):
        listed = (await hub.client.get(path, headers=platform.headers)).json()["data"]
        assert customer["id"] not in str(listed) and site["id"] not in str(listed)


async def test_isp_creates_resellers_and_sees_only_their_totals(hub: Hub,
                                                                platform: Account) -> None:
    _, isp = await _create(hub, platform, "isp-totals")
    busy, reseller = await _create(hub, isp, "busy")
    idle, _ = await _create(hub, isp, "idle")
    assert busy["kind"] == "reseller" and busy["parent_id"] == str(isp.tenant_id)
    own = await hub.post(isp, "/billing/customers", {"name": "ISP's own", "currency": "EUR"})
    figures = await _bill_january(hub, reseller)
    totals = (await hub.client.get("/billing/analytics/resellers", params=JANUARY,
                                   headers=isp.headers)).json()
    assert [r["tenant_id"] for r in totals["resellers"]] == [busy["id"], idle["id"]]
    assert totals["resellers"][0] == {
        "tenant_id": busy["id"], "name": busy["name"], "suspended_at": None, "customers": 3,
        "active_subscriptions": 2, "currencies": [{
            "currency": "EUR", "mrr_minor": 6000, "invoices": 2, "invoiced_minor": 6000,
            "paid_minor": 2500, "credited_minor": 0, "outstanding_minor": 3500}]}
    assert totals["resellers"][1]["customers"] == 0 == len(totals["resellers"][1]["currencies"])
    one = (await hub.client.get(f"/billing/analytics/resellers/{busy['id']}", params=JANUARY,
                                headers=isp.headers)).json()
    assert one == totals["resellers"][0]
    # The reseller's own analytics agree; its customers stay its own.
    mrr = (await hub.client.get("/billing/analytics/mrr", params={"on": JANUARY["on"]},
                                headers=reseller.headers)).json()
    assert mrr["currencies"][0]["mrr_minor"] == 6000
    for customer_id in figures["customers"]:
        hidden = await hub.client.get(f"/billing/customers/{customer_id}", headers=isp.headers)
        assert hidden.status_code == 404
    isp_view = (await hub.client.get("/billing/customers", headers=isp.headers)).json()["data"]
    assert [c["id"] for c in isp_view] == [own["id"]]


async def _bill_january(hub: Hub, reseller: Account) -> dict[str, list[str]]:
    """Three customers, two on a 30.00 EUR plan from 1 January, January billed, 25.00 paid."""
    plan = await hub.post(reseller, "/billing/plans", {
        "name": "Fibre 100", "currency": "EUR", "down_kbps": 100_000, "up_kbps": 20_000,
        "price_minor": 3000})
    customers = [await hub.post(reseller, "/billing/customers",
                                {"name": f"c{i}", "currency": "EUR"}) for i in range(3)]
    for customer in customers[:2]:
        sub = await hub.post(reseller, "/billing/subscriptions",
                             {"customer_id": customer["id"], "plan_id": plan["id"]})
        await hub.post(reseller, f"/billing/subscriptions/{sub['id']}/transitions",
                       {"action": "activate", "on": "2026-01-01"})
    run = await hub.post(reseller, "/billing/runs", {"period": "2026-01-01",
                                                      "today": "2026-01-01"})
    assert len(run["created"]) == 2
    first = next(i for i in run["created"] if i["customer_id"] == customers[0]["id"])
    await hub.post(reseller, "/billing/payments", {
        "customer_id": customers[0]["id"], "amount_minor": 2500,
        "allocations": [{"invoice_id": first["id"], "amount_minor": 2500}]})
    return {"customers": [c["id"] for c in customers]}


async def test_a_reseller_cannot_create_tenants_nor_see_beside_or_above(
        hub: Hub, platform: Account) -> None:
    isp_row, isp = await _create(hub, platform, "isp-r")
    sibling, _ = await _create(hub, isp, "sib")
    _, reseller = await _create(hub, isp, "res")
    detail = await _refused(hub, reseller, 403)
    assert "reseller cannot create tenants" in detail
    assert (await hub.client.get("/tenants", headers=reseller.headers)).json()["data"] == []
    for other in (isp_row["id"], sibling["id"], str(platform.tenant_id)):
        for path in (f"/tenants/{other}", f"/billing/analytics/resellers/{other}"):
            resp = await hub.client.get(path, headers=reseller.headers)
            assert resp.status_code == 404, (path, resp.text)
        resp = await hub.client.post(f"/tenants/{other}/suspend", headers=reseller.headers)
        assert resp.status_code == 404
    # The ISP sees its own resellers, not the platform or itself as "beneath".
    mine = (await hub.client.get("/tenants", headers=isp.headers)).json()["data"]
    assert {t["kind"] for t in mine} == {"reseller"} and len(mine) == 2
    for above in (str(platform.tenant_id), isp_row["id"]):
        assert (await hub.client.get(f"/tenants/{above}", headers=isp.headers)).status_code \
            == 404


async def test_hierarchy_depth_rules_answer_clear_422s(hub: Hub, platform: Account) -> None:
    isp_row, isp = await _create(hub, platform, "isp-depth")
    reseller, _ = await _create(hub, isp, "depth-r")
    assert "ISPs do not nest" in await _refused(hub, isp, 422, kind="isp")
    assert "ISPs do not nest" in await _refused(hub, platform, 422, kind="isp",
                                                parent_id=isp_row["id"])
    for by in (isp, platform):
        assert "resellers do not nest" in await _refused(hub, by, 422,
                                                         parent_id=reseller["id"])
    assert "name the ISP in parent_id" in await _refused(hub, platform, 422, kind="reseller")
    assert (await _refused(hub, isp, 404, parent_id=str(platform.tenant_id)))
    # The platform may place a reseller under one of its ISPs; the ISP then manages it.
    placed, _ = await _create(hub, platform, "placed", kind="reseller",
                              parent_id=isp_row["id"])
    assert placed["parent_id"] == isp_row["id"]
    got = await hub.client.get(f"/tenants/{placed['id']}", headers=isp.headers)
    assert got.status_code == 200 and got.json()["kind"] == "reseller"
    under = (await hub.client.get("/tenants", params={"parent_id": isp_row["id"]},
                                  headers=platform.headers)).json()["data"]
    assert {t["id"] for t in under} == {reseller["id"], placed["id"]}


async def test_names_and_owner_emails_are_unique_and_nothing_half_made(
        hub: Hub, platform: Account) -> None:
    made, _ = await _create(hub, platform, "uniq")
    again = new_tenant_body("uniq2")
    again["name"] = made["name"]
    resp = await hub.client.post("/tenants", json=again, headers=platform.headers)
    assert resp.status_code == 409 and "already exists" in resp.json()["detail"]
    taken = new_tenant_body("uniq3")
    taken["owner"]["email"] = platform.email
    resp = await hub.client.post("/tenants", json=taken, headers=platform.headers)
    assert resp.status_code == 409 and "already registered" in resp.json()["detail"]
    names = [t["name"] for t in (await hub.client.get(
        "/tenants", params={"limit": 200}, headers=platform.headers)).json()["data"]]
    assert taken["name"] not in names  # the tenant went with its refused owner


async def test_a_suspended_isp_and_its_resellers_are_refused_until_reactivated(
        hub: Hub, platform: Account) -> None:
    isp_row, isp = await _create(hub, platform, "isp-susp")
    _, reseller = await _create(hub, isp, "susp-r")
    key = await hub.post(isp, "/api-keys", {"name": "crm", "scopes": ["sites:read"]})
    api_key = {"Authorization": f"Bearer {key['key']}"}
    assert (await hub.client.get("/sites", headers=api_key)).status_code == 200
    suspended = await hub.post(platform, f"/tenants/{isp_row['id']}/suspend", {})
    assert suspended["suspended_at"] is not None
    for headers in (isp.headers, reseller.headers, api_key):
        assert (await hub.client.get("/sites", headers=headers)).status_code == 401
    for account in (isp, reseller):
        login = await hub.client.post("/auth/login", json={"email": account.email,
                                                           "password": PASSWORD})
        assert login.status_code == 401
        refresh = await hub.client.post("/auth/refresh",
                                        json={"refresh_token": account.refresh})
        assert refresh.status_code == 401
    await hub.post(platform, f"/tenants/{isp_row['id']}/reactivate", {})
    assert (await hub.client.get("/sites", headers=api_key)).status_code == 200
    isp_again = await hub.login(isp.email)
    refused = (await hub.client.get("/audit-events", params={"action": "auth.login_failed"},
                                    headers=isp_again.headers)).json()["data"]
    assert [e["detail"]["reason"] for e in refused] == ["tenant_suspended"]
    assert (await hub.client.get("/sites", headers=reseller.headers)).status_code == 200


async def test_an_isp_suspends_its_reseller_but_not_a_stranger(hub: Hub,
                                                               platform: Account) -> None:
    _, isp = await _create(hub, platform, "isp-own")
    r_row, reseller = await _create(hub, isp, "own-r")
    _, stranger = await _create(hub, platform, "isp-stranger")
    foreign = await hub.client.post(f"/tenants/{r_row['id']}/suspend",
                                    headers=stranger.headers)
    assert foreign.status_code == 404
    await hub.post(isp, f"/tenants/{r_row['id']}/suspend", {})
    assert (await hub.client.get("/sites", headers=reseller.headers)).status_code == 401
    assert (await hub.client.get("/sites", headers=isp.headers)).status_code == 200
    await hub.post(isp, f"/tenants/{r_row['id']}/reactivate", {})
    assert (await hub.client.get("/sites", headers=reseller.headers)).status_code == 200
    assert uuid.UUID(r_row["id"]) != isp.tenant_id
