"""access cases for the hub's role matrix and tenant-isolation matrix (filled in with the
routes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory

REQUESTS: dict[str, Factory] = {}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """Ids of this tenant's access objects the isolation cases name."""
    del hub, owner
    return {}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per access operation, called as tenant B with tenant A's ids."""
    del a, case
    return {}
