"""Discovery cases for the hub's role and tenant-isolation matrices.

Wire them like the jobs ones: `**REQUESTS` into test_role_matrix.REQUESTS,
`**isolation_cases(a, Case)` into test_tenant_isolation.cases and
`ids.update(await tenant_ids(hub, owner))` into its `_tenant_with_inventory`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.hub.fleet_discovery.support import (
    candidate,
    credential_set,
    deliver,
    get,
    n,
    report,
    site_with_agent,
)
from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory, Request


async def _ready(hub: Hub, owner: Account) -> tuple[dict[str, Any], str]:
    """A site with one agent, and an SNMP credential set of the tenant."""
    site, _agents = await site_with_agent(hub, owner)
    return site, await credential_set(hub, owner)


def start_body(credential: str, network: str = "192.0.2.0/29") -> dict[str, Any]:
    """A valid create body."""
    return {"cidrs": [network], "credential_set_ids": [credential]}


async def found_one(hub: Hub, owner: Account) -> tuple[dict[str, Any], str]:
    """A discovery that found one device at 10.x.y.5 (a fresh address per call, so every
    role of the matrix adopts a device nobody manages yet): (discovery, candidate id)."""
    site, credential = await _ready(hub, owner)
    net = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    made = await hub.client.post(f"/sites/{site['id']}/discoveries",
                                 json=start_body(credential, f"{net}.0/29"), headers=owner.headers)
    assert made.status_code == 202, made.text
    discovery = made.json()
    await deliver(hub, owner.tenant_id, discovery["agent_id"], report(
        discovery["id"], 6, 6, [candidate(f"{net}.5", credential, sys_name=f"m-{n()}")],
        done=True))
    seen = await get(hub, owner, f"/discoveries/{discovery['id']}")
    return discovery, seen["candidates"][0]["id"]


async def _create(hub: Hub, owner: Account) -> Request:
    site, credential = await _ready(hub, owner)
    return {"site_id": site["id"]}, start_body(credential)


async def _list(hub: Hub, owner: Account) -> Request:
    site, _credential = await _ready(hub, owner)
    return {"site_id": site["id"]}, None


async def _one(hub: Hub, owner: Account) -> Request:
    discovery, _candidate = await found_one(hub, owner)
    return {"discovery_id": discovery["id"]}, None


async def _adopt(hub: Hub, owner: Account) -> Request:
    discovery, candidate_id = await found_one(hub, owner)
    return {"discovery_id": discovery["id"]}, {"candidates": [
        {"candidate_id": candidate_id, "name": f"m-{n()}"}]}


REQUESTS: dict[str, Factory] = {
    "discoveries_create": _create,
    "discoveries_list": _list,
    "discoveries_get": _one,
    "discoveries_adopt": _adopt,
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """A finished discovery with one candidate of one tenant, for the isolation matrix."""
    discovery, candidate_id = await found_one(hub, owner)
    return {"d_discovery": discovery["id"], "d_site": discovery["site_id"],
            "d_candidate": candidate_id, "d_credential": discovery["credential_set_ids"][0]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per discovery operation, built with the matrix's `Case` class."""
    return {
        "discoveries_create": case("foreign", {"site_id": a["d_site"]},
                                   start_body(a["d_credential"])),
        "discoveries_list": case("foreign", {"site_id": a["d_site"]}),
        "discoveries_get": case("foreign", {"discovery_id": a["d_discovery"]}),
        "discoveries_adopt": case("foreign", {"discovery_id": a["d_discovery"]}, {
            "candidates": [{"candidate_id": a["d_candidate"], "name": f"x-{n()}"}]}),
    }
