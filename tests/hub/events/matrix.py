"""Webhook cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain

# Nobody listens there: the matrix hubs run no webhook worker, nothing is ever sent.
URL = "https://hooks.example.net/dotmac"


async def endpoint(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new endpoint for every event type (the answer holds its secret)."""
    return await hub.post(owner, "/webhooks/endpoints", {
        "url": f"{URL}/{secrets.token_hex(3)}", "event_types": ["*"], "description": "matrix"})


async def delivery(hub: Hub, owner: Account) -> dict[str, Any]:
    """A queued ping delivery of a new endpoint."""
    made = await endpoint(hub, owner)
    return await hub.post(owner, f"/webhooks/endpoints/{made['id']}/ping", {})


REQUESTS: dict[str, Factory] = {
    "webhooks_endpoints_create": _plain(lambda: {"url": URL, "event_types": ["invoice.finalized"]}),
    "webhooks_endpoints_list": _plain(),
    "webhooks_endpoints_get": _by_id(endpoint, "endpoint_id"),
    "webhooks_endpoints_update": _by_id(endpoint, "endpoint_id", lambda: {"active": False}),
    "webhooks_endpoints_delete": _by_id(endpoint, "endpoint_id"),
    "webhooks_endpoints_rotate_secret": _by_id(endpoint, "endpoint_id"),
    "webhooks_endpoints_ping": _by_id(endpoint, "endpoint_id"),
    "webhooks_deliveries_list": _by_id(endpoint, "endpoint_id"),
    "webhooks_deliveries_redeliver": _by_id(delivery, "delivery_id"),
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """Webhook objects of one tenant, for the isolation matrix."""
    made = await delivery(hub, owner)
    return {"w_endpoint": made["endpoint_id"], "w_delivery": made["id"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per webhook operation, built with the matrix's `Case` class."""
    ep = {"endpoint_id": a["w_endpoint"]}
    return {
        "webhooks_endpoints_create": case("own", {}, {"url": URL, "event_types": ["*"]}),
        "webhooks_endpoints_list": case("own", {}),
        "webhooks_endpoints_get": case("foreign", ep),
        "webhooks_endpoints_update": case("foreign", ep, {"url": f"{URL}/stolen"}),
        "webhooks_endpoints_delete": case("foreign", ep),
        "webhooks_endpoints_rotate_secret": case("foreign", ep),
        "webhooks_endpoints_ping": case("foreign", ep),
        "webhooks_deliveries_list": case("foreign", ep),
        "webhooks_deliveries_redeliver": case("foreign", {"delivery_id": a["w_delivery"]}),
    }
