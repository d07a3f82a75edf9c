"""Sites, agents and devices: validation rules, conflicts, pagination, audit of revokes."""

from __future__ import annotations

import logging
import secrets

import pytest

from hub.permissions import Role
from tests.hub.harness import Account, Hub


@pytest.fixture
async def owner(hub: Hub) -> Account:
    return await hub.new_tenant("inv")


async def _site(hub: Hub, owner: Account, name: str | None = None) -> str:
    site = await hub.post(owner, "/sites", {"name": name or f"pop-{secrets.token_hex(3)}"})
    return str(site["id"])


async def test_device_address_must_be_an_ip_and_profile_a_name(hub: Hub, owner: Account) -> None:
    site = await _site(hub, owner)
    base = {"site_id": site, "name": "core1", "profile": "cisco_ios"}
    for bad in ("10.0.0.256", "router.example", "", "10.0.0.1/24"):
        resp = await hub.client.post("/devices", json={**base, "management_address": bad},
                                     headers=owner.headers)
        assert resp.status_code == 422, bad
        body = resp.json()
        assert body["type"].endswith("/validation")
        assert body["errors"][0]["loc"] == ["body", "management_address"]
    for unknown, named in (("cisco_iosxr", "'cisco_iosxr'"), ("Cisco-IOS", "'Cisco_IOS'"),
                           ("../etc", "(not a plain name)")):
        bad_profile = await hub.client.post("/devices", json={
            **base, "management_address": "10.0.0.1", "profile": unknown},
            headers=owner.headers)
        assert bad_profile.status_code == 422, unknown
        error = bad_profile.json()["errors"][0]
        assert error["loc"] == ["body", "profile"]  # the field, the value, the allowed list:
        assert f"profile {named} is not a firmware profile" in error["msg"], error
        assert "use one of auto, " in error["msg"] and "juniper_junos" in error["msg"]
    ok = await hub.client.post("/devices", json={**base, "management_address": "2001:db8::9"},
                               headers=owner.headers)
    assert ok.status_code == 201 and ok.json()["management_address"] == "2001:db8::9"


async def test_polling_agent_must_be_in_the_devices_site(hub: Hub, owner: Account) -> None:
    site_a, site_b = await _site(hub, owner), await _site(hub, owner)
    agent = await hub.post(owner, "/agents", {"site_id": site_a, "name": "agent-a"})
    body = {"site_id": site_b, "agent_id": agent["id"], "name": "sw1",
            "management_address": "10.0.0.2", "profile": "aruba"}
    wrong = await hub.client.post("/devices", json=body, headers=owner.headers)
    assert wrong.status_code == 422 and "another site" in wrong.json()["detail"]
    device = await hub.post(owner, "/devices", {**body, "site_id": site_a})
    moved = await hub.client.patch(f"/devices/{device['id']}", json={"site_id": site_b},
                                   headers=owner.headers)
    assert moved.status_code == 422  # its agent would be left behind in site A
    moved = await hub.client.patch(f"/devices/{device['id']}",
                                   json={"site_id": site_b, "agent_id": None},
                                   headers=owner.headers)
    assert moved.status_code == 200 and moved.json()["agent_id"] is None
    revoked = await hub.client.post(f"/agents/{agent['id']}/revoke", headers=owner.headers)
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"]
    again = await hub.client.patch(f"/devices/{device['id']}",
                                   json={"site_id": site_a, "agent_id": agent["id"]},
                                   headers=owner.headers)
    assert again.status_code == 422 and "revoked" in again.json()["detail"]
    events = (await hub.client.get("/audit-events", params={"action": "agent.revoke"},
                                   headers=owner.headers)).json()["data"]
    assert [e["target_id"] for e in events] == [agent["id"]]


async def test_names_are_unique_per_tenant_and_sites_in_use_cannot_go(hub: Hub,
                                                                     owner: Account) -> None:
    site = await _site(hub, owner, "ams-1")
    dup = await hub.client.post("/sites", json={"name": "ams-1"}, headers=owner.headers)
    assert dup.status_code == 409 and dup.json()["type"].endswith("/conflict")
    other = await hub.new_tenant("inv-other")
    assert (await hub.client.post("/sites", json={"name": "ams-1"},
                                  headers=other.headers)).status_code == 201
    agent = await hub.post(owner, "/agents", {"site_id": site, "name": "ams-agent"})
    busy = await hub.client.delete(f"/sites/{site}", headers=owner.headers)
    assert busy.status_code == 409 and "still has agents" in busy.json()["detail"]
    assert (await hub.client.delete(f"/agents/{agent['id']}",
                                    headers=owner.headers)).status_code == 204
    assert (await hub.client.delete(f"/sites/{site}", headers=owner.headers)).status_code == 204
    assert (await hub.client.get(f"/sites/{site}", headers=owner.headers)).status_code == 404


async def test_lists_paginate_with_an_opaque_cursor_and_bounded_limit(hub: Hub,
                                                                     owner: Account) -> None:
    made = [await _site(hub, owner) for _ in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await hub.client.get("/sites", params=params, headers=owner.headers)).json()
        seen += [s["id"] for s in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made  # every row once, in creation order
    for limit in (0, 201, -1):
        resp = await hub.client.get("/sites", params={"limit": limit}, headers=owner.headers)
        assert resp.status_code == 422
    default = (await hub.client.get("/sites", headers=owner.headers)).json()
    assert len(default["data"]) == 7 and default["next_cursor"] is None
    junk = await hub.client.get("/sites", params={"cursor": "garbage"}, headers=owner.headers)
    assert junk.status_code == 422 and "cursor" in junk.json()["detail"]


async def test_customer_binding_rules(hub: Hub, owner: Account) -> None:
    base = {"email": f"c-{secrets.token_hex(3)}@example.net", "password": "p" * 14}
    unbound = await hub.client.post("/users", json={**base, "role": "customer"},
                                    headers=owner.headers)
    assert unbound.status_code == 422 and "customer_id" in unbound.json()["detail"]
    staff = await hub.client.post("/users", json={
        **base, "role": "noc", "customer_id": "0b7c4c3e-5b0e-4a8e-9e38-0c2d7d3f0a11"},
        headers=owner.headers)
    assert staff.status_code == 422
    customer = await hub.add_user(owner, Role.CUSTOMER)
    assert (await hub.client.get("/sites", headers=customer.headers)).status_code == 403
    me = (await hub.client.get("/auth/me", headers=customer.headers)).json()
    # A portal user holds only the self-service permissions (own invoices and tickets).
    assert me["roles"] == ["customer"] and me["permissions"] == ["portal:read", "portal:write"]


async def test_errors_are_problem_documents(hub: Hub, owner: Account) -> None:
    for method, path in (("GET", "/sites/not-a-uuid"), ("GET", "/nowhere"),
                         ("PUT", "/sites"), ("GET", "/sites/00000000-0000-0000-0000-000000000000")):
        resp = await hub.client.request(method, path, headers=owner.headers)
        assert resp.headers["content-type"] == "application/problem+json", path
        body = resp.json()
        assert body["status"] == resp.status_code and body["type"].startswith(
            "https://dotmac.dev/problems/")
    schema = hub.app.openapi()
    assert "Problem" in schema["components"]["schemas"]
    get_site = schema["paths"]["/sites/{site_id}"]["get"]
    assert "application/problem+json" in get_site["responses"]["404"]["content"]


async def test_deprecated_snmp_profile_and_dashed_names_are_accepted_for_one_release(
        hub: Hub, owner: Account) -> None:
    """Integrators written against the old field keep working: `snmp_profile` and `cisco-ios`
    are read as `profile` = `cisco_ios`; answers carry both names with the agent's value."""
    site = await _site(hub, owner)
    old_style = await hub.post(owner, "/devices", {
        "site_id": site, "name": "legacy1", "management_address": "192.0.2.7",
        "snmp_profile": "cisco-ios"})
    assert old_style["profile"] == old_style["snmp_profile"] == "cisco_ios"
    changed = await hub.client.patch(f"/devices/{old_style['id']}",
                                     json={"snmp_profile": "juniper-junos"},
                                     headers=owner.headers)
    assert changed.status_code == 200
    assert changed.json()["profile"] == changed.json()["snmp_profile"] == "juniper_junos"
    changed = await hub.client.patch(f"/devices/{old_style['id']}",
                                     json={"profile": "mikrotik-routeros"},
                                     headers=owner.headers)
    assert changed.json()["profile"] == "mikrotik_routeros"
    listed = (await hub.client.get("/devices", params={"site_id": site},
                                   headers=owner.headers)).json()
    assert [(d["profile"], d["snmp_profile"]) for d in listed["data"]] == [
        ("mikrotik_routeros", "mikrotik_routeros")]
    both = await hub.client.post("/devices", json={
        "site_id": site, "name": "legacy2", "management_address": "192.0.2.8",
        "profile": "cisco_ios", "snmp_profile": "cisco_ios"}, headers=owner.headers)
    assert both.status_code == 422  # one name or the other, never both


async def test_old_spellings_are_logged_so_operators_see_who_must_move(
        hub: Hub, owner: Account, caplog: pytest.LogCaptureFixture) -> None:
    site = await _site(hub, owner)
    with caplog.at_level(logging.WARNING, logger="dotmac.hub.api"):
        await hub.post(owner, "/devices", {
            "site_id": site, "name": "legacy3", "management_address": "192.0.2.9",
            "snmp_profile": "cisco-ios"})
    noted = [r.getMessage() for r in caplog.records if r.name == "dotmac.hub.api"]
    assert "api.deprecated_input what=snmp_profile_field" in noted
    assert "api.deprecated_input what=dashed_profile_name" in noted
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dotmac.hub.api"):
        await hub.post(owner, "/devices", {
            "site_id": site, "name": "current1", "management_address": "192.0.2.10",
            "profile": "cisco_ios"})
    assert not [r for r in caplog.records if r.name == "dotmac.hub.api"]


async def test_openapi_marks_the_old_profile_name_deprecated(hub: Hub) -> None:
    schemas = hub.app.openapi()["components"]["schemas"]
    create = schemas["DeviceCreate"]["properties"]
    assert "profile" in create and "snmp_profile" not in create
    assert "snmp_profile" in create["profile"]["description"]
    assert "deprecated" in create["profile"]["description"].lower()
    assert "cisco_ios" in create["profile"]["enum"] and "auto" in create["profile"]["enum"]
    public = schemas["DevicePublic"]["properties"]
    assert public["snmp_profile"]["deprecated"] is True
