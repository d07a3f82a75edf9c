"""Portal cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from hub.identity.models import User
from tests.hub.billing.matrix import customer, plan
from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory, Request
from tests.hub.matrix_support import plain as _plain

# Routes about the caller's own customer account: a caller holding the permission but bound
# to no customer (staff) gets 404 naming the missing binding, not 2xx.
BOUND_CUSTOMER_ONLY = frozenset({"portal_profile_get", "portal_profile_update"})


async def _portal_subscription(hub: Hub, owner: Account) -> Request:
    """A subscription of the tenant's newest portal user's customer (the customer sees its
    own usage; staff holding billing:read may read any)."""
    async with hub.app.state.sessions() as session:
        bound = (await session.execute(
            select(User.customer_id).where(User.tenant_id == owner.tenant_id,
                                           User.customer_id.is_not(None))
            .order_by(User.created_at.desc()).limit(1))).scalar_one_or_none()
    customer_id = str(bound) if bound is not None else (await customer(hub, owner))["id"]
    sub = await hub.post(owner, "/billing/subscriptions", {
        "customer_id": customer_id, "plan_id": (await plan(hub, owner))["id"]})
    return {"subscription_id": sub["id"]}, None


REQUESTS: dict[str, Factory] = {
    "portal_profile_get": _plain(),
    "portal_profile_update": _plain(lambda: {"phone": "+1 555 0100"}),
    "portal_subscriptions_list": _plain(),
    "portal_subscriptions_usage": _portal_subscription,
    "portal_payments_list": _plain(),
}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """Another tenant's subscription is 404; the rest is the caller's own (and tenant B's
    owner is bound to no customer: empty lists, no profile)."""
    return {
        "portal_profile_get": case("own", {}),
        "portal_profile_update": case("own", {}, {"phone": "+1 555 0199"}),
        "portal_subscriptions_list": case("own", {}),
        "portal_subscriptions_usage": case("foreign", {"subscription_id": a["b_subscription"]}),
        "portal_payments_list": case("own", {}),
    }
