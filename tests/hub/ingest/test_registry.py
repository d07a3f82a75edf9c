"""Which agent sent a message: its registry id; names only where a harness opts in."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.ingest.registry import AgentRegistry, Lookup
from tests.hub.ingest.harness import new_tenancy, register_agent


async def test_enrolled_id_and_unique_name_resolve_to_the_registry_tenant(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    where = await new_tenancy(sessions)
    name = f"pop-{uuid.uuid4().hex[:6]}"
    agent_id = await register_agent(sessions, where, name)
    registry = AgentRegistry(sessions, ttl_s=0)
    by_id = await registry.resolve(str(agent_id))  # what enrollment makes the broker user
    assert not isinstance(by_id, str) and by_id.tenant_id == where.tenant_id
    assert await registry.resolve(name) == Lookup.UNKNOWN  # a name is no identity
    assert await AgentRegistry(sessions, ttl_s=0, names=True).resolve(name) == by_id
    assert await registry.resolve(str(uuid.uuid4())) == Lookup.UNKNOWN


async def test_a_name_two_tenants_use_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    name = f"pop-{uuid.uuid4().hex[:6]}"
    first = await register_agent(sessions, await new_tenancy(sessions), name)
    await register_agent(sessions, await new_tenancy(sessions), name)
    registry = AgentRegistry(sessions, ttl_s=0, names=True)
    assert await registry.resolve(name) == Lookup.AMBIGUOUS
    assert not isinstance(await registry.resolve(str(first)), str)  # the id is never ambiguous
