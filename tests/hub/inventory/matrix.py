"""Credential set cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain


def _new_set() -> dict[str, Any]:
    return {"name": f"cs-{secrets.token_hex(4)}", "kind": "snmp_v2c",
            "community": secrets.token_hex(8)}


async def credential_set(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new SNMP v2c set no device uses."""
    return await hub.post(owner, "/credential-sets", _new_set())


REQUESTS: dict[str, Factory] = {
    "credential_sets_list": _plain(),
    "credential_sets_create": _plain(_new_set),
    "credential_sets_get": _by_id(credential_set, "set_id"),
    "credential_sets_update": _by_id(credential_set, "set_id",
                                     lambda: {"community": secrets.token_hex(8)}),
    "credential_sets_delete": _by_id(credential_set, "set_id"),
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """A credential set of one tenant, for the isolation matrix."""
    made = await credential_set(hub, owner)
    return {"credential_set": made["id"], "credential_set_name": made["name"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per credential set operation, built with the matrix's `Case` class."""
    one = {"set_id": a["credential_set"]}
    return {
        "credential_sets_list": case("own", {}, query={"site_id": a["site"]}),
        "credential_sets_create": case("foreign", {}, {**_new_set(), "site_id": a["site"]}),
        "credential_sets_get": case("foreign", one),
        "credential_sets_update": case("foreign", one, {"name": f"pwn-{secrets.token_hex(3)}"}),
        "credential_sets_delete": case("foreign", one),
    }
