"""ipam cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.ipam.support import subscription
from tests.hub.matrix_support import Factory, Request
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain


def _n() -> str:
    return secrets.token_hex(4)


async def _site(hub: Hub, owner: Account) -> str:
    return str((await hub.post(owner, "/sites", {"name": f"ipam-{_n()}"}))["id"])


def _block() -> str:
    """A /24 of 10.0.0.0/8 no other case of the tenant is likely to use."""
    value = secrets.randbelow(2**16)
    return f"10.{value >> 8}.{value & 255}.0/24"


async def prefix(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new IPv4 /24 on a new site (a random block: retried on the rare overlap)."""
    where = await _site(hub, owner)
    while True:
        resp = await hub.client.post("/ipam/prefixes", json={"site_id": where,
                                                             "prefix": _block()},
                                     headers=owner.headers)
        if resp.status_code == 201:
            made: dict[str, Any] = resp.json()
            return made
        assert resp.status_code == 409, resp.text


async def pool(hub: Hub, owner: Account) -> dict[str, Any]:
    """A static pool over a new prefix."""
    made = await prefix(hub, owner)
    return await hub.post(owner, "/ipam/pools", {"prefix_id": made["id"], "name": f"p-{_n()}"})


async def allocation(hub: Hub, owner: Account) -> dict[str, Any]:
    """An address of a new pool allocated to a subscription id."""
    made = await pool(hub, owner)
    return await hub.post(owner, f"/ipam/pools/{made['id']}/allocations",
                          {"subscription_id": await subscription(hub, owner)})


async def vlan_pool(hub: Hub, owner: Account) -> dict[str, Any]:
    """A single-tag VLAN pool on a new site."""
    return await hub.post(owner, "/ipam/vlan-pools", {
        "site_id": await _site(hub, owner), "name": f"v-{_n()}", "first_tag": 100,
        "last_tag": 199})


async def vlan_allocation(hub: Hub, owner: Account) -> dict[str, Any]:
    """A tag of a new VLAN pool allocated to a subscription id."""
    made = await vlan_pool(hub, owner)
    return await hub.post(owner, f"/ipam/vlan-pools/{made['id']}/allocations",
                          {"subscription_id": await subscription(hub, owner)})


async def _new_prefix(hub: Hub, owner: Account) -> Request:
    return {}, {"site_id": await _site(hub, owner), "prefix": _block()}


async def _new_pool(hub: Hub, owner: Account) -> Request:
    return {}, {"prefix_id": (await prefix(hub, owner))["id"], "name": f"p-{_n()}"}


async def _new_vlan_pool(hub: Hub, owner: Account) -> Request:
    return {}, {"site_id": await _site(hub, owner), "name": f"v-{_n()}", "first_tag": 10,
                "last_tag": 20}


def _allocation_in(maker: Callable[[Hub, Account], Any]) -> Factory:
    """A new pool of `maker` and a body allocating it to a new subscription."""
    async def build(hub: Hub, owner: Account) -> Request:
        made = await maker(hub, owner)
        return {"pool_id": made["id"]}, {"subscription_id": await subscription(hub, owner)}
    return build


async def _reservation(hub: Hub, owner: Account) -> Request:
    made = await pool(hub, owner)
    return {"pool_id": made["id"]}, {"address": made["range_start"], "note": "router"}


async def _subscription_path(hub: Hub, owner: Account) -> Request:
    return {"subscription_id": (await allocation(hub, owner))["subscription_id"]}, None


REQUESTS: dict[str, Factory] = {
    "ipam_prefixes_list": _plain(),
    "ipam_prefixes_create": _new_prefix,
    "ipam_prefixes_get": _by_id(prefix, "prefix_id"),
    "ipam_prefixes_update": _by_id(prefix, "prefix_id", lambda: {"description": "core"}),
    "ipam_prefixes_delete": _by_id(prefix, "prefix_id"),
    "ipam_pools_list": _plain(),
    "ipam_pools_create": _new_pool,
    "ipam_pools_get": _by_id(pool, "pool_id"),
    "ipam_pools_update": _by_id(pool, "pool_id", lambda: {"description": "cgnat"}),
    "ipam_pools_delete": _by_id(pool, "pool_id"),
    "ipam_pools_utilization": _by_id(pool, "pool_id"),
    "ipam_allocations_create": _allocation_in(pool),
    "ipam_reservations_create": _reservation,
    "ipam_allocations_list": _plain(),
    "ipam_allocations_get": _by_id(allocation, "allocation_id"),
    "ipam_allocations_release": _by_id(allocation, "allocation_id"),
    "ipam_subscription_get": _subscription_path,
    "ipam_utilization": _plain(),
    "ipam_vlan_pools_list": _plain(),
    "ipam_vlan_pools_create": _new_vlan_pool,
    "ipam_vlan_pools_get": _by_id(vlan_pool, "pool_id"),
    "ipam_vlan_pools_update": _by_id(vlan_pool, "pool_id", lambda: {"description": "olt"}),
    "ipam_vlan_pools_delete": _by_id(vlan_pool, "pool_id"),
    "ipam_vlan_pools_utilization": _by_id(vlan_pool, "pool_id"),
    "ipam_vlan_allocations_create": _allocation_in(vlan_pool),
    "ipam_vlan_allocations_list": _plain(),
    "ipam_vlan_allocations_get": _by_id(vlan_allocation, "allocation_id"),
    "ipam_vlan_allocations_release": _by_id(vlan_allocation, "allocation_id"),
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """Ids of this tenant's ipam objects the isolation cases name."""
    made = await allocation(hub, owner)
    vlan = await vlan_allocation(hub, owner)
    pool_row = (await hub.client.get(f"/ipam/pools/{made['pool_id']}",
                                     headers=owner.headers)).json()
    return {"ipam_prefix": pool_row["prefix_id"], "ipam_pool": made["pool_id"],
            "ipam_allocation": made["id"], "ipam_subscription": made["subscription_id"],
            "ipam_vlan_pool": vlan["pool_id"], "ipam_vlan_allocation": vlan["id"],
            "ipam_site": pool_row["site_id"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per ipam operation, called as tenant B with tenant A's ids."""
    own, foreign = "own", "foreign"
    prefix_id, pool_id, alloc = a["ipam_prefix"], a["ipam_pool"], a["ipam_allocation"]
    vlan_pool_id, vlan_alloc = a["ipam_vlan_pool"], a["ipam_vlan_allocation"]
    sub = a["ipam_subscription"]
    return {
        "ipam_prefixes_list": case(own, {}, query={"site_id": a["ipam_site"]}),
        "ipam_prefixes_create": case(foreign, {}, {"site_id": a["ipam_site"],
                                                   "prefix": "10.255.255.0/24"}),
        "ipam_prefixes_get": case(foreign, {"prefix_id": prefix_id}),
        "ipam_prefixes_update": case(foreign, {"prefix_id": prefix_id},
                                     {"description": "stolen"}),
        "ipam_prefixes_delete": case(foreign, {"prefix_id": prefix_id}),
        "ipam_pools_list": case(own, {}, query={"prefix_id": prefix_id}),
        "ipam_pools_create": case(foreign, {}, {"prefix_id": prefix_id, "name": "stolen"}),
        "ipam_pools_get": case(foreign, {"pool_id": pool_id}),
        "ipam_pools_update": case(foreign, {"pool_id": pool_id}, {"description": "stolen"}),
        "ipam_pools_delete": case(foreign, {"pool_id": pool_id}),
        "ipam_pools_utilization": case(foreign, {"pool_id": pool_id}),
        "ipam_allocations_create": case(foreign, {"pool_id": pool_id},
                                        {"subscription_id": sub}),
        "ipam_reservations_create": case(foreign, {"pool_id": pool_id},
                                         {"address": "10.0.0.1", "note": "stolen"}),
        "ipam_allocations_list": case(own, {}, query={"subscription_id": sub}),
        "ipam_allocations_get": case(foreign, {"allocation_id": alloc}),
        "ipam_allocations_release": case(foreign, {"allocation_id": alloc}),
        "ipam_subscription_get": case(own, {"subscription_id": sub}),
        "ipam_utilization": case(own, {}),
        "ipam_vlan_pools_list": case(own, {}, query={"site_id": a["ipam_site"]}),
        "ipam_vlan_pools_create": case(foreign, {}, {"site_id": a["ipam_site"],
                                                     "name": "stolen", "first_tag": 1,
                                                     "last_tag": 2}),
        "ipam_vlan_pools_get": case(foreign, {"pool_id": vlan_pool_id}),
        "ipam_vlan_pools_update": case(foreign, {"pool_id": vlan_pool_id},
                                       {"description": "stolen"}),
        "ipam_vlan_pools_delete": case(foreign, {"pool_id": vlan_pool_id}),
        "ipam_vlan_pools_utilization": case(foreign, {"pool_id": vlan_pool_id}),
        "ipam_vlan_allocations_create": case(foreign, {"pool_id": vlan_pool_id},
                                             {"subscription_id": sub}),
        "ipam_vlan_allocations_list": case(own, {}, query={"subscription_id": sub}),
        "ipam_vlan_allocations_get": case(foreign, {"allocation_id": vlan_alloc}),
        "ipam_vlan_allocations_release": case(foreign, {"allocation_id": vlan_alloc}),
    }
