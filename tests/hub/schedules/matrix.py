"""schedules cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory, Request, plain


async def schedule(hub: Hub, owner: Account) -> dict[str, Any]:
    """One of the tenant's schedules (its defaults are created by the first list)."""
    listed = await hub.client.get("/schedules", headers=owner.headers)
    assert listed.status_code == 200, listed.text
    found: dict[str, Any] = listed.json()["data"][0]
    return found


def _on_schedule(body: Callable[[], dict[str, Any]] | None = None) -> Factory:
    async def build(hub: Hub, owner: Account) -> Request:
        return {"schedule_id": (await schedule(hub, owner))["id"]}, body() if body else None
    return build


REQUESTS: dict[str, Factory] = {
    "schedules_list": plain(),
    "schedules_get": _on_schedule(),
    "schedules_update": _on_schedule(lambda: {"enabled": True}),
    "schedules_run": _on_schedule(),
    "schedules_runs": _on_schedule(),
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """Ids of this tenant's schedules objects the isolation cases name."""
    return {"s_schedule": (await schedule(hub, owner))["id"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per schedules operation, called as tenant B with tenant A's ids."""
    foreign = {"schedule_id": a["s_schedule"]}
    return {
        "schedules_list": case("own", {}),
        "schedules_get": case("foreign", foreign),
        "schedules_update": case("foreign", foreign, {"enabled": False}),
        "schedules_run": case("foreign", foreign),
        "schedules_runs": case("foreign", foreign),
    }
