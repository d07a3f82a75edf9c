"""What IPAM tests share: a tenant with a site, and prefixes/pools made through the API."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from tests.hub.harness import Account, Hub


async def site(hub: Hub, owner: Account) -> str:
    """A new site of the owner's tenant; its id."""
    made = await hub.post(owner, "/sites", {"name": f"pop-{secrets.token_hex(3)}"})
    return str(made["id"])


async def pool(hub: Hub, owner: Account, prefix: str, **fields: Any) -> dict[str, Any]:
    """A prefix on a new site and one pool over it (fields: kind, range, assign_length...)."""
    made = await hub.post(owner, "/ipam/prefixes", {"site_id": await site(hub, owner),
                                                    "prefix": prefix})
    body = {"prefix_id": made["id"], "name": f"pool-{secrets.token_hex(3)}", **fields}
    return await hub.post(owner, "/ipam/pools", body)


def subscription() -> str:
    """A subscription id (IPAM names subscriptions by id only: no check is registered)."""
    return str(uuid.uuid4())
