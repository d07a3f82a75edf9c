"""tenants cases for the hub's role matrix and tenant-isolation matrix (and the resellers'
totals of billing analytics, which read the hierarchy)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from tests.hub.harness import PASSWORD, Account, Hub
from tests.hub.matrix_support import Factory, by_id, plain

# Mounted by hub/routes.py (the composition root); until then their cases wait.


def new_tenant_body(label: str = "r", **extra: Any) -> dict[str, Any]:
    """A POST /tenants body with a fresh name and owner e-mail."""
    tag = secrets.token_hex(4)
    return {"name": f"{label}-{tag}", "owner": {"email": f"owner-{label}-{tag}@example.net",
                                                "password": PASSWORD}, **extra}


async def new_reseller(hub: Hub, owner: Account) -> dict[str, Any]:
    """A reseller under the owner's ISP (the POST /tenants answer)."""
    return await hub.post(owner, "/tenants", new_tenant_body("reseller"))


REQUESTS: dict[str, Factory] = {
    "tenants_create": plain(lambda: new_tenant_body("matrix")),
    "tenants_list": plain(),
    "tenants_get": by_id(new_reseller, "tenant_id"),
    "tenants_suspend": by_id(new_reseller, "tenant_id"),
    "tenants_reactivate": by_id(new_reseller, "tenant_id"),
    "billing_analytics_resellers": plain(),
    "billing_analytics_reseller": by_id(new_reseller, "tenant_id"),
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """A reseller under this tenant (an ISP); a reseller has none, so a fresh id stands in."""
    me = (await hub.client.get("/tenants/current", headers=owner.headers)).json()
    if me["kind"] == "reseller":
        return {"reseller": str(uuid.uuid4())}
    return {"reseller": (await new_reseller(hub, owner))["id"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per tenants operation, called as tenant B with tenant A's ids."""
    return {
        "tenants_create": case("foreign", {}, new_tenant_body("x", parent_id=a["reseller"])),
        "tenants_list": case("own", {}, query={"parent_id": a["tenant"]}),
        "tenants_get": case("foreign", {"tenant_id": a["reseller"]}),
        "tenants_suspend": case("foreign", {"tenant_id": a["reseller"]}),
        "tenants_reactivate": case("foreign", {"tenant_id": a["reseller"]}),
        "billing_analytics_resellers": case("own", {}),
        "billing_analytics_reseller": case("foreign", {"tenant_id": a["reseller"]}),
    }
