"""Tenant isolation matrix: every route in the OpenAPI document, called by another tenant.

Each operation must have a declared case; a new route without one fails the test.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from hub.permissions import Role
from tests.hub.access import matrix as access_matrix
from tests.hub.access.sessions import matrix as access_sessions_matrix
from tests.hub.alarms.api import matrix as alarms_matrix
from tests.hub.billing import matrix as billing_matrix
from tests.hub.billing.documents import matrix as documents_matrix
from tests.hub.events import matrix as events_matrix
from tests.hub.fleet import matrix as fleet_matrix
from tests.hub.fleet_bulk import matrix as device_bulk_matrix
from tests.hub.fleet_discovery import matrix as discovery_matrix
from tests.hub.harness import Account, Hub
from tests.hub.inventory import matrix as inventory_matrix
from tests.hub.ipam import matrix as ipam_matrix
from tests.hub.jobs import matrix as jobs_matrix
from tests.hub.portal import matrix as portal_matrix
from tests.hub.schedules import matrix as schedules_matrix
from tests.hub.tenants import matrix as tenants_matrix

Kind = Literal["foreign", "own", "public"]


@dataclass(frozen=True)
class Case:
    """How to call one operation as tenant B: `foreign` uses tenant A's ids and must never
    answer 2xx; `own` and `public` act in B's scope (or with no tenant at all) and may
    succeed, but must not show anything of tenant A."""

    kind: Kind
    params: dict[str, str]
    body: dict[str, Any] | None = None
    query: dict[str, str] | None = None


def cases(a: dict[str, str], b: dict[str, str]) -> dict[str, Case]:
    """One case per operation id; `a`/`b` hold the ids and names of each tenant."""
    tag = secrets.token_hex(3)
    return {
        "health_live": Case("public", {}), "health_ready": Case("public", {}),
        "health_metrics": Case("public", {}), "auth_jwks": Case("public", {}),
        "auth_login": Case("public", {}, {"email": a["email"], "password": "guess-guess"}),
        "auth_refresh": Case("public", {}, {"refresh_token": "dmr_not-a-token"}),
        "auth_logout": Case("public", {}, {"refresh_token": "dmr_not-a-token"}),
        "auth_me": Case("own", {}),
        "tenants_current": Case("own", {}),
        "tenants_update_current": Case("own", {}, {"name": f"b-renamed-{tag}"}),
        "users_list": Case("own", {}),
        "users_create": Case("own", {}, {"email": f"b-{tag}@example.net",
                                         "password": "x" * 16, "role": "noc"}),
        "users_get": Case("foreign", {"user_id": a["user"]}),
        "users_update": Case("foreign", {"user_id": a["user"]}, {"role": "customer",
                                                                   "customer_id": a["user"]}),
        "users_deactivate": Case("foreign", {"user_id": a["user"]}),
        "api_keys_list": Case("own", {}),
        "api_keys_create": Case("own", {}, {"name": "b", "scopes": ["sites:read"]}),
        "api_keys_get": Case("foreign", {"key_id": a["key"]}),
        "api_keys_revoke": Case("foreign", {"key_id": a["key"]}),
        "sites_list": Case("own", {}),
        "sites_create": Case("own", {}, {"name": a["site_name"]}),  # A's name is free in B
        "sites_get": Case("foreign", {"site_id": a["site"]}),
        "sites_update": Case("foreign", {"site_id": a["site"]}, {"description": "pwned"}),
        "sites_delete": Case("foreign", {"site_id": a["site"]}),
        "agents_list": Case("own", {}, query={"site_id": a["site"]}),
        "agents_create": Case("foreign", {}, {"site_id": a["site"], "name": f"x{tag}"}),
        "agents_get": Case("foreign", {"agent_id": a["agent"]}),
        "agents_update": Case("foreign", {"agent_id": a["agent"]}, {"name": f"pwn{tag}"}),
        "agents_revoke": Case("foreign", {"agent_id": a["agent"]}),
        "agents_delete": Case("foreign", {"agent_id": a["agent"]}),
        "devices_list": Case("own", {}, query={"agent_id": a["agent"]}),
        "devices_create": Case("foreign", {}, {
            "site_id": b["site"], "agent_id": a["agent"], "name": f"x{tag}",
            "management_address": "192.0.2.1", "profile": "cisco_ios"}),
        "devices_get": Case("foreign", {"device_id": a["device"]}),
        "devices_update": Case("foreign", {"device_id": a["device"]}, {"site_id": b["site"]}),
        "devices_delete": Case("foreign", {"device_id": a["device"]}),
        "audit_events_list": Case("own", {}, query={"action": "auth.login"}),
        "enrollment_tokens_create": Case("foreign", {"site_id": a["site"]}, {}),
        "agents_enroll": Case("public", {}, {"token": "dme_not-a-token"}),
        # Analytics: lists are "own" (must not show A); A's device names must 404.
        "analytics_devices": Case("own", {}, query={"site_id": a["site"]}),
        "analytics_traffic": Case("foreign", {"device": a["device_name"], "if_index": "1"}),
        "analytics_p95": Case("foreign", {"device": a["device_name"], "if_index": "1"}),
        "analytics_top_interfaces": Case("own", {}),
        "analytics_availability_devices": Case("own", {}),
        "analytics_availability_sites": Case("own", {}),
        "analytics_agents_health": Case("own", {}, query={"site_id": a["site"]}),
        **inventory_matrix.isolation_cases(a, Case),
        **billing_matrix.isolation_cases(a, Case),
        **documents_matrix.isolation_cases(a, Case),
        **jobs_matrix.isolation_cases(a, Case),
        **events_matrix.isolation_cases(a, Case),
        **fleet_matrix.isolation_cases(a, Case),
        **device_bulk_matrix.isolation_cases(a, Case),
        **discovery_matrix.isolation_cases(a, Case),
        **alarms_matrix.isolation_cases(a, Case),
        **portal_matrix.isolation_cases(a, Case),
        **access_matrix.isolation_cases(a, Case),
        **access_sessions_matrix.isolation_cases(a, Case),
        **ipam_matrix.isolation_cases(a, Case),
        **schedules_matrix.isolation_cases(a, Case),
        **tenants_matrix.isolation_cases(a, Case),
    }


async def _tenant_with_inventory(hub: Hub, label: str, owner: Account | None = None,
                                 ) -> tuple[Account, dict[str, str]]:
    owner = owner or await hub.new_tenant(label)
    noc = await hub.add_user(owner, Role.NOC)
    site_name = f"{label}-site-{secrets.token_hex(4)}"
    site = await hub.post(owner, "/sites", {"name": site_name, "description": f"{label}-desc"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"],
                                              "name": f"{label}-agent-{secrets.token_hex(4)}"})
    device = await hub.post(owner, "/devices", {
        "site_id": site["id"], "agent_id": agent["id"], "management_address": "198.51.100.7",
        "name": f"{label}-dev-{secrets.token_hex(4)}", "profile": "juniper_junos"})
    key = await hub.post(owner, "/api-keys", {"name": f"{label}-key-{secrets.token_hex(4)}",
                                              "scopes": ["devices:read"]})
    ids = {"tenant": str(owner.tenant_id), "owner": str(owner.user_id), "user": str(noc.user_id),
           "email": noc.email, "site": site["id"], "site_name": site_name,
           "agent": agent["id"], "agent_name": agent["name"], "device": device["id"],
           "device_name": device["name"], "key": key["id"], "key_prefix": key["prefix"]}
    ids.update(await inventory_matrix.tenant_ids(hub, owner))
    ids.update(await billing_matrix.tenant_ids(hub, owner))
    ids.update(await documents_matrix.tenant_ids(hub, owner))
    ids.update(await jobs_matrix.tenant_ids(hub, owner))
    ids.update(await events_matrix.tenant_ids(hub, owner))
    ids.update(await discovery_matrix.tenant_ids(hub, owner))
    ids.update(await alarms_matrix.tenant_ids(hub, owner))
    ids.update(await access_matrix.tenant_ids(hub, owner))
    ids.update(await access_sessions_matrix.tenant_ids(hub, owner))
    ids.update(await ipam_matrix.tenant_ids(hub, owner))
    ids.update(await schedules_matrix.tenant_ids(hub, owner))
    ids.update(await tenants_matrix.tenant_ids(hub, owner))
    return owner, ids


# The operator's scrape endpoint names every tenant by design (hub-health gauges); in
# production it answers only the scrape token, never a tenant's credential
# (tests/hub/test_metrics_token.py). This hub runs without one, so it is not walked for leaks.
OPERATOR_ONLY = frozenset({"health_metrics"})


def _visible(resp_text: str) -> str:
    try:
        body = json.loads(resp_text)
    except ValueError:
        return resp_text
    if isinstance(body, dict):
        body.pop("instance", None)  # the request path echoed back
    return json.dumps(body)


def _leaks(text: str, secrets_of_a: dict[str, str], sent: str) -> list[str]:
    # A value the caller sent itself may be echoed (e.g. "site <id>: no such site").
    return [k for k, v in secrets_of_a.items() if v in text and v not in sent]


async def _walk(hub: Hub, caller: Account, a: dict[str, str], b: dict[str, str],
                known: frozenset[str] = frozenset()) -> int:
    """Call every route of the OpenAPI document as `caller` (tenant B, whose ids are `b`)
    with tenant A's ids; `known` names A's values the caller may see (a reseller knows its
    ISP's tenant id, an ISP its resellers')."""
    table = cases(a, b)
    operations = {(m.upper(), path, op["operationId"])
                  for path, ops in hub.app.openapi()["paths"].items() for m, op in ops.items()}
    missing = sorted(op for _, _, op in operations if op not in table)
    assert not missing, f"routes without a tenant-isolation case: {missing}"
    assert set(table) == {op for _, _, op in operations}, "cases for routes that do not exist"
    secrets_of_a = {k: v for k, v in a.items() if k not in known}
    checked = 0
    for method, template, op_id in sorted(operations):
        case = table[op_id]
        path = template.format(**case.params)
        resp = await hub.client.request(method, path, json=case.body, params=case.query,
                                        headers=caller.headers)
        if case.kind == "foreign":
            assert not 200 <= resp.status_code < 300, f"{op_id}: {resp.status_code} {resp.text}"
            assert resp.status_code in (404, 422), f"{op_id}: {resp.status_code}"
        sent = path + json.dumps(case.body) + json.dumps(case.query)
        if op_id in OPERATOR_ONLY:
            checked += 1
            continue
        leaked = _leaks(_visible(resp.text), secrets_of_a, sent)
        assert not leaked, f"{op_id} showed tenant A's {leaked}: {resp.text[:300]}"
        checked += 1
    assert checked == len(operations) >= 30
    return checked


async def test_every_route_refuses_or_hides_another_tenants_data(hub: Hub) -> None:
    owner_a, a = await _tenant_with_inventory(hub, "tenant-a")
    owner_b, b = await _tenant_with_inventory(hub, "tenant-b")
    await _walk(hub, owner_b, a, b)
    await _assert_a_untouched(hub, owner_a, a)


async def _reseller_with_inventory(hub: Hub, isp: Account, label: str,
                                   ) -> tuple[Account, dict[str, str]]:
    """A reseller the ISP creates through the API, signed in as its owner, stocked like any
    tenant of the walk."""
    body = tenants_matrix.new_tenant_body(label)
    await hub.post(isp, "/tenants", body)
    owner = await hub.login(body["owner"]["email"])
    return await _tenant_with_inventory(hub, label, owner)


async def test_resellers_reach_neither_their_isp_nor_each_other_nor_the_isp_them(
        hub: Hub) -> None:
    """Every route, called by a reseller with its ISP's ids and with a sibling reseller's,
    and by the ISP with a reseller's: foreign ids never answer 2xx, nothing leaks. Only the
    tenant ids are known across the edge (a reseller's parent_id; the ISP's reseller list)."""
    owner_isp, isp = await _tenant_with_inventory(hub, "isp")
    owner_r1, r1 = await _reseller_with_inventory(hub, owner_isp, "reseller-1")
    owner_r2, r2 = await _reseller_with_inventory(hub, owner_isp, "reseller-2")
    parent_id = (await hub.client.get("/tenants/current", headers=owner_r1.headers)).json()
    assert parent_id["kind"] == "reseller" and parent_id["parent_id"] == isp["tenant"]
    await _walk(hub, owner_r1, isp, r1, known=frozenset({"tenant"}))
    await _assert_a_untouched(hub, owner_isp, isp, "isp")
    await _walk(hub, owner_r1, r2, r1)
    await _assert_a_untouched(hub, owner_r2, r2, "reseller-2")
    await _walk(hub, owner_isp, r2, isp, known=frozenset({"tenant"}))
    await _assert_a_untouched(hub, owner_r2, r2, "reseller-2")


async def _assert_a_untouched(hub: Hub, owner_a: Account, a: dict[str, str],
                              label: str = "tenant-a") -> None:
    site = (await hub.client.get(f"/sites/{a['site']}", headers=owner_a.headers)).json()
    assert site["description"] == f"{label}-desc"
    agent = (await hub.client.get(f"/agents/{a['agent']}", headers=owner_a.headers)).json()
    assert agent["name"] == a["agent_name"] and agent["status"] == "pending"
    device = (await hub.client.get(f"/devices/{a['device']}", headers=owner_a.headers)).json()
    assert device["site_id"] == a["site"] and device["name"] == a["device_name"]
    key = (await hub.client.get(f"/api-keys/{a['key']}", headers=owner_a.headers)).json()
    assert key["revoked_at"] is None
    user = (await hub.client.get(f"/users/{a['user']}", headers=owner_a.headers)).json()
    assert user["is_active"] is True and user["role"] == "noc"
    await alarms_matrix.assert_untouched(hub, owner_a, a)


async def test_list_filters_with_foreign_ids_return_nothing(hub: Hub) -> None:
    _, a = await _tenant_with_inventory(hub, "filter-a")
    owner_b, _ = await _tenant_with_inventory(hub, "filter-b")
    for path, params in (("/agents", {"site_id": a["site"]}),
                         ("/devices", {"site_id": a["site"], "agent_id": a["agent"]})):
        resp = await hub.client.get(path, params=params, headers=owner_b.headers)
        assert resp.status_code == 200 and resp.json()["data"] == []
