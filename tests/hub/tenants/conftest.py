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
