"""Agent config-state cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain


async def _agent(hub: Hub, owner: Account) -> dict[str, Any]:
    site = await hub.post(owner, "/sites", {"name": f"s-{secrets.token_hex(4)}"})
    return await hub.post(owner, "/agents", {"site_id": site["id"],
                                             "name": f"a-{secrets.token_hex(4)}"})


REQUESTS: dict[str, Factory] = {
    "agent_configs_list": _plain(),
    "agent_config_get": _by_id(_agent, "agent_id"),
}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per config-state operation (A's agent comes with the base inventory)."""
    return {
        "agent_configs_list": case("own", {}, query={"drift": "false"}),
        "agent_config_get": case("foreign", {"agent_id": a["agent"]}),
    }
