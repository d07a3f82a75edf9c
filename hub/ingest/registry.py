"""Who sent a message: the agent registry (`hub.inventory.Agent`), cached briefly.

The topic's agent id is the broker username: the agent's registry id (a UUID, unique across
tenants), which enrollment makes the login and which hand-provisioned agents must use too.
Names are not identities: any tenant may name an agent like another tenant's, so an agent
publishing under its name could have its data land in (or be refused because of) another
tenant's agent. Only tests that publish under names opt in (`names=True`). The tenant
and site always come from this row, never from the message. The cache is per process and
short-lived (a revoked agent stops being accepted within `ttl_s`), so several workers on
several machines need no coordination.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.ingest.repository.agents import agents_called


@dataclass(frozen=True, slots=True)
class AgentIdentity:
    """The registry's view of one agent."""

    id: uuid.UUID
    name: str
    tenant_id: uuid.UUID
    site_id: uuid.UUID
    revoked: bool


class Lookup:
    """Outcome names for an unusable agent id (metric reasons)."""

    UNKNOWN = "unknown_agent"
    AMBIGUOUS = "ambiguous_agent"
    REVOKED = "revoked_agent"


class AgentRegistry:
    """Agent lookups with a TTL cache (negative answers are cached too)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], ttl_s: float = 10.0, *,
                 names: bool = False) -> None:
        self._sessions = sessions
        self._ttl = ttl_s
        self._names = names  # also accept unique agent names (test harnesses only)
        self._cache: dict[str, tuple[float, AgentIdentity | str]] = {}

    async def resolve(self, name: str) -> AgentIdentity | str:
        """The identity of agent `name`, or the reject reason (a Lookup value)."""
        now = time.monotonic()
        hit = self._cache.get(name)
        if hit is not None and hit[0] > now:
            return hit[1]
        found = await self._load(name)
        self._cache[name] = (now + self._ttl, found)
        return found

    def forget(self, name: str) -> None:
        """Drop a cached answer (tests, or after an enrollment)."""
        self._cache.pop(name, None)

    async def _load(self, name: str) -> AgentIdentity | str:
        async with self._sessions() as session:
            rows = await agents_called(session, name, by_name=self._names)
        if not rows:
            return Lookup.UNKNOWN
        if len(rows) > 1:
            return Lookup.AMBIGUOUS  # two tenants used the name: refuse rather than guess
        agent = rows[0]
        revoked = agent.revoked_at is not None or agent.status == "revoked"
        return AgentIdentity(agent.id, agent.name, agent.tenant_id, agent.site_id, revoked)
