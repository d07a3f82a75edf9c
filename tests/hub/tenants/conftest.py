"""Tenant hierarchy fixtures: the hub's platform tenant and its signed-in owner."""

from __future__ import annotations

import pytest_asyncio

from hub.identity.passwords import Passwords
from hub.tenants.service import bootstrap
from tests.hub.harness import PASSWORD, Account, Hub


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def platform(hub: Hub) -> Account:
    """The owner of the module hub's one platform tenant (as `bootstrap --platform` makes)."""
    email = "platform-owner@example.net"
    async with hub.app.state.sessions() as session:
        await bootstrap(session, Passwords(hub.settings), "Platform", email, PASSWORD,
                        platform=True)
    return await hub.login(email)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def reseller_totals_mounted(hub: Hub) -> None:
    """Until hub/routes.py mounts the resellers' totals router beside billing analytics
    (the composition root is not this work's to edit), mount it here; a no-op after."""
    from hub.billing.analytics.resellers.routes import router

    if not any(getattr(r, "path", "") == router.prefix for r in hub.app.routes):
        hub.app.include_router(router)
        hub.app.openapi_schema = None
