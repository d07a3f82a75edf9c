"""access cases for the hub's role matrix and tenant-isolation matrix (NAS registry and
subscriber credentials; /radius/* belongs to FreeRADIUS, not to roles: test_radius_aaa)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.hub.billing.matrix import subscription
from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory, Request
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain


def _n() -> str:
    return secrets.token_hex(4)


def _address() -> str:
    """A NAS address no other case is likely to use (unique over the hub)."""
    value = secrets.randbelow(2**24)
    return f"10.{value >> 16}.{(value >> 8) & 255}.{value & 255}"


async def _site(hub: Hub, owner: Account) -> str:
    return str((await hub.post(owner, "/sites", {"name": f"access-{_n()}"}))["id"])


def _nas_body(site_id: str) -> dict[str, Any]:
    return {"site_id": site_id, "name": f"bng-{_n()}", "address": _address(),
            "secret": "nas-secret-" + _n(), "vendor": "mikrotik"}


async def nas(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new NAS on a new site."""
    return await hub.post(owner, "/access/nas", _nas_body(await _site(hub, owner)))


def _login() -> dict[str, Any]:
    return {"username": f"u-{_n()}@isp.example", "password": "pppoe-" + _n()}


async def credentialed(hub: Hub, owner: Account) -> dict[str, Any]:
    """A subscription with a PPPoE credential."""
    sub = await subscription(hub, owner)
    resp = await hub.client.put(f"/access/subscriptions/{sub['id']}/credentials",
                                json=_login(), headers=owner.headers)
    assert resp.status_code == 200, resp.text
    return sub


async def _new_nas(hub: Hub, owner: Account) -> Request:
    return {}, _nas_body(await _site(hub, owner))


REQUESTS: dict[str, Factory] = {
    "access_nas_list": _plain(),
    "access_nas_create": _new_nas,
    "access_nas_get": _by_id(nas, "nas_id"),
    "access_nas_update": _by_id(nas, "nas_id", lambda: {"coa_port": 1700}),
    "access_nas_delete": _by_id(nas, "nas_id"),
    "access_credentials_get": _by_id(credentialed, "subscription_id"),
    "access_credentials_put": _by_id(subscription, "subscription_id", _login),
    "access_credentials_delete": _by_id(credentialed, "subscription_id"),
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """Ids of this tenant's access objects the isolation cases name."""
    made = await nas(hub, owner)
    sub = await credentialed(hub, owner)
    return {"access_nas": made["id"], "access_nas_site": made["site_id"],
            "access_subscription": sub["id"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per access operation, called as tenant B with tenant A's ids."""
    own, foreign = "own", "foreign"
    nas_id, sub = a["access_nas"], a["access_subscription"]
    return {
        "access_nas_list": case(own, {}, query={"site_id": a["access_nas_site"]}),
        "access_nas_create": case(foreign, {}, _nas_body(a["access_nas_site"])),
        "access_nas_get": case(foreign, {"nas_id": nas_id}),
        "access_nas_update": case(foreign, {"nas_id": nas_id}, {"name": "stolen"}),
        "access_nas_delete": case(foreign, {"nas_id": nas_id}),
        "access_credentials_get": case(foreign, {"subscription_id": sub}),
        "access_credentials_put": case(foreign, {"subscription_id": sub},
                                       {"username": "stolen@isp.example",
                                        "password": "stolen-pw"}),
        "access_credentials_delete": case(foreign, {"subscription_id": sub}),
    }
