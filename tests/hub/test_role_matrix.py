"""Every route x every role gives the outcome docs/permissions.md (i.e. the code) says."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from hub.api.access import AUTHENTICATED, PUBLIC, route_access
from hub.permissions import ROLE_PERMISSIONS, Role
from tests.hub.access.matrix import REQUESTS as ACCESS_REQUESTS
from tests.hub.access.sessions.matrix import REQUESTS as ACCESS_SESSIONS_REQUESTS
from tests.hub.alarms.api.matrix import REQUESTS as ALARMS_REQUESTS
from tests.hub.billing.documents.matrix import REQUESTS as DOCUMENT_REQUESTS
from tests.hub.billing.matrix import REQUESTS as BILLING_REQUESTS
from tests.hub.events.matrix import REQUESTS as EVENTS_REQUESTS
from tests.hub.fleet.matrix import REQUESTS as FLEET_REQUESTS
from tests.hub.fleet_bulk.matrix import REQUESTS as DEVICE_BULK_REQUESTS
from tests.hub.fleet_discovery.matrix import REQUESTS as DISCOVERY_REQUESTS
from tests.hub.harness import Account, Hub
from tests.hub.inventory.matrix import REQUESTS as CREDENTIAL_SET_REQUESTS
from tests.hub.ipam.matrix import REQUESTS as IPAM_REQUESTS
from tests.hub.jobs.matrix import REQUESTS as JOBS_REQUESTS
from tests.hub.matrix_support import Factory, Request
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain
from tests.hub.portal.matrix import BOUND_CUSTOMER_ONLY
from tests.hub.portal.matrix import REQUESTS as PORTAL_REQUESTS
from tests.hub.schedules.matrix import REQUESTS as SCHEDULES_REQUESTS
from tests.hub.tenants.matrix import REQUESTS as TENANTS_REQUESTS


def _n() -> str:
    return secrets.token_hex(4)


async def _site(hub: Hub, owner: Account) -> dict[str, Any]:
    return await hub.post(owner, "/sites", {"name": f"s-{_n()}"})


async def _agent(hub: Hub, owner: Account) -> dict[str, Any]:
    site = await _site(hub, owner)
    return await hub.post(owner, "/agents", {"site_id": site["id"], "name": f"a-{_n()}"})


async def _device(hub: Hub, owner: Account) -> dict[str, Any]:
    site = await _site(hub, owner)
    return await hub.post(owner, "/devices", {"site_id": site["id"], "name": f"d-{_n()}",
                                              "management_address": "2001:db8::1",
                                              "profile": "arista_eos"})


async def _user(hub: Hub, owner: Account) -> dict[str, Any]:
    return await hub.post(owner, "/users", {"email": f"u-{_n()}@example.net",
                                            "password": "p" * 14, "role": "billing"})


async def _key(hub: Hub, owner: Account) -> dict[str, Any]:
    return await hub.post(owner, "/api-keys", {"name": f"k-{_n()}", "scopes": ["sites:read"]})


async def _new_agent_body(hub: Hub, owner: Account) -> Request:
    return {}, {"site_id": (await _site(hub, owner))["id"], "name": f"a-{_n()}"}


async def _new_device_body(hub: Hub, owner: Account) -> Request:
    agent = await _agent(hub, owner)
    return {}, {"site_id": agent["site_id"], "agent_id": agent["id"], "name": f"d-{_n()}",
                "management_address": "10.1.2.3", "profile": "cisco_ios"}


async def _observed_interface(hub: Hub, owner: Account) -> Request:
    # Analytics reads what ingest observed: stage one reported device and interface.
    from hub.ingest.models import ObservedDevice, ObservedInterface

    site, name = await _site(hub, owner), f"d-{_n()}"
    async with hub.app.state.sessions() as session, session.begin():
        session.add(ObservedDevice(tenant_id=owner.tenant_id, device=name,
                                   site_id=uuid.UUID(site["id"]), agent_id=uuid.uuid4(),
                                   facts={}, status="up"))
        session.add(ObservedInterface(tenant_id=owner.tenant_id, device=name, if_index=1,
                                      name="ge-1", alias="", descr="", speed_bps=10**9,
                                      admin_status="up", oper_status="up"))
    return {"device": name, "if_index": "1"}, None


# A valid request per operation, built from fresh resources of the caller's own tenant.
REQUESTS: dict[str, Factory] = {
    "tenants_current": _plain(),
    "tenants_update_current": _plain(lambda: {"name": f"renamed-{_n()}"}),
    "users_list": _plain(),
    "users_create": _plain(lambda: {"email": f"c-{_n()}@example.net", "password": "p" * 14,
                                    "role": "customer", "customer_id": str(uuid.uuid4())}),
    "users_get": _by_id(_user, "user_id"),
    "users_update": _by_id(_user, "user_id", lambda: {"full_name": "Renamed"}),
    "users_deactivate": _by_id(_user, "user_id"),
    "api_keys_list": _plain(),
    "api_keys_create": _plain(lambda: {"name": "k", "scopes": ["sites:read"]}),
    "api_keys_get": _by_id(_key, "key_id"),
    "api_keys_revoke": _by_id(_key, "key_id"),
    "sites_list": _plain(),
    "sites_create": _plain(lambda: {"name": f"s-{_n()}"}),
    "sites_get": _by_id(_site, "site_id"),
    "sites_update": _by_id(_site, "site_id", lambda: {"description": "moved"}),
    "sites_delete": _by_id(_site, "site_id"),
    "agents_list": _plain(),
    "agents_create": _new_agent_body,
    "agents_get": _by_id(_agent, "agent_id"),
    "agents_update": _by_id(_agent, "agent_id", lambda: {"name": f"a-{_n()}"}),
    "agents_revoke": _by_id(_agent, "agent_id"),
    "agents_delete": _by_id(_agent, "agent_id"),
    "devices_list": _plain(),
    "devices_create": _new_device_body,
    "devices_get": _by_id(_device, "device_id"),
    "devices_update": _by_id(_device, "device_id", lambda: {"profile": "huawei_vrp"}),
    "devices_delete": _by_id(_device, "device_id"),
    "audit_events_list": _plain(),
    "auth_me": _plain(),
    "enrollment_tokens_create": _by_id(_site, "site_id", lambda: {"ttl_s": 600}),
    "analytics_devices": _plain(),
    "analytics_traffic": _observed_interface,
    "analytics_p95": _observed_interface,
    "analytics_top_interfaces": _plain(),
    "analytics_availability_devices": _plain(),
    "analytics_availability_sites": _plain(),
    "analytics_agents_health": _plain(),
    **CREDENTIAL_SET_REQUESTS,
    **BILLING_REQUESTS,
    **DOCUMENT_REQUESTS,
    **JOBS_REQUESTS,
    **EVENTS_REQUESTS,
    **FLEET_REQUESTS,
    **DEVICE_BULK_REQUESTS,
    **DISCOVERY_REQUESTS,
    **ALARMS_REQUESTS,
    **PORTAL_REQUESTS,
    **SCHEDULES_REQUESTS,
    **ACCESS_REQUESTS,
    **ACCESS_SESSIONS_REQUESTS,
    **IPAM_REQUESTS,
    **TENANTS_REQUESTS,
}


async def test_every_route_for_every_role_matches_the_permission_table(hub: Hub) -> None:
    owner = await hub.new_tenant("roles")
    accounts = {Role.OWNER: owner}
    for role in Role:
        if role is not Role.OWNER:
            accounts[role] = await hub.add_user(owner, role)
    guarded = [r for r in route_access(hub.app) if r.requires != PUBLIC]
    missing = sorted(r.operation_id for r in guarded if r.operation_id not in REQUESTS)
    assert not missing, f"routes without a role-matrix request: {missing}"
    outcomes: dict[tuple[str, str], int] = {}
    for route in guarded:
        for role, account in accounts.items():
            params, body = await REQUESTS[route.operation_id](hub, owner)
            resp = await hub.client.request(route.method, route.path.format(**params),
                                            json=body, headers=account.headers)
            outcomes[(route.operation_id, role.value)] = resp.status_code
            allowed = (route.requires == AUTHENTICATED
                       or route.requires in ROLE_PERMISSIONS[role])
            if allowed and route.operation_id in BOUND_CUSTOMER_ONLY and role != Role.CUSTOMER:
                assert resp.status_code == 404 and "bound to no customer" in resp.text, role
            elif allowed:
                assert 200 <= resp.status_code < 300, (route.operation_id, role, resp.text)
            else:
                assert resp.status_code == 403, (route.operation_id, role, resp.text)
                assert resp.json()["type"].endswith("/forbidden")
    assert len(outcomes) == len(guarded) * len(Role)
    assert any(code == 403 for code in outcomes.values())


async def test_public_routes_ignore_roles(hub: Hub) -> None:
    owner = await hub.new_tenant("public")
    customer = await hub.add_user(owner, Role.CUSTOMER)
    for route in route_access(hub.app):
        if route.requires == PUBLIC and route.method == "GET":
            resp = await hub.client.get(route.path, headers=customer.headers)
            assert resp.status_code == 200, route.path


async def test_granting_roles_needs_their_permissions(hub: Hub) -> None:
    owner = await hub.new_tenant("grant")
    admin = await hub.add_user(owner, Role.ADMIN)
    body = {"email": f"x-{_n()}@example.net", "password": "p" * 14, "role": "owner"}
    refused = await hub.client.post("/users", json=body, headers=admin.headers)
    assert refused.status_code == 403 and "tenant:write" not in refused.text
    demote = await hub.client.patch(f"/users/{owner.user_id}", json={"role": "noc"},
                                    headers=admin.headers)
    assert demote.status_code == 403  # an admin cannot demote the owner
    promote = await hub.client.patch(f"/users/{admin.user_id}", json={"role": "owner"},
                                     headers=owner.headers)
    assert promote.status_code == 200 and promote.json()["role"] == "owner"
    events = (await hub.client.get("/audit-events", params={"action": "user.role_change"},
                                   headers=owner.headers)).json()["data"]
    assert [e["detail"] for e in events] == [{"old": "admin", "new": "owner"}]
