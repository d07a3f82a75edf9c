"""What IPAM tests share: a tenant with a site, prefixes/pools made through the API, and
real billing subscriptions to allocate to (the hub may check subscription ids against
billing: docs/ipam.md, "Subscriptions")."""

from __future__ import annotations

import secrets
from typing import Any

from tests.hub.harness import Account, Hub

_BOOKS: dict[tuple[int, str], tuple[str, str]] = {}  # (hub, tenant) -> (customer, plan)


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


async def subscription(hub: Hub, owner: Account) -> str:
    """A new (pending) billing subscription of the owner's tenant; its id. One customer
    and one plan per tenant carry them all."""
    key = (id(hub), str(owner.tenant_id))
    if key not in _BOOKS:
        customer = await hub.post(owner, "/billing/customers",
                                  {"name": f"c-{secrets.token_hex(3)}", "currency": "EUR"})
        plan = await hub.post(owner, "/billing/plans", {
            "name": f"p-{secrets.token_hex(3)}", "currency": "EUR", "down_kbps": 100_000,
            "up_kbps": 20_000, "price_minor": 3000})
        _BOOKS[key] = (customer["id"], plan["id"])
    customer_id, plan_id = _BOOKS[key]
    made = await hub.post(owner, "/billing/subscriptions", {"customer_id": customer_id,
                                                            "plan_id": plan_id})
    return str(made["id"])


async def subscriptions(hub: Hub, owner: Account, count: int) -> list[str]:
    """`count` new subscriptions."""
    return [await subscription(hub, owner) for _ in range(count)]
