"""Fleet rules the API serves: each agent's configuration state within the caller's tenant."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.errors import NotFoundError
from hub.fleet import repository as repo
from hub.fleet.schemas import AgentConfigPublic, AgentConfigsPublic
from hub.pagination import PageParams, encode_cursor
from hub.principal import Principal


class AgentConfigService:
    """Desired, pushed and applied configuration versions of the tenant's agents."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session, self.tenant_id = session, principal.tenant_id

    async def get(self, agent_id: uuid.UUID) -> AgentConfigPublic:
        """One agent's state; 404 for an agent of another tenant or none."""
        found = await repo.tenant_agent(self.session, self.tenant_id, agent_id)
        if found is None:
            raise NotFoundError(f"agent {agent_id}: no such agent in this tenant")
        agent, state = found
        return AgentConfigPublic.of(state, agent.id, agent.name)

    async def list(self, page: PageParams, drift_only: bool) -> AgentConfigsPublic:
        """A page of the tenant's agents (agent id order), optionally only the drifting."""
        rows = await repo.tenant_states(self.session, self.tenant_id, drift_only, page.after,
                                        page.limit + 1)
        shown = rows[:page.limit]
        cursor = encode_cursor(shown[-1][0].id) if len(rows) > page.limit and shown else None
        return AgentConfigsPublic(
            data=[AgentConfigPublic.of(state, agent.id, agent.name) for agent, state in shown],
            next_cursor=cursor)
