"""Each agent's configuration versions and drift (thin: parse, call the service).

`/agents/{agent_id}` belongs to the inventory; the config state lives one level below it
and the tenant-wide list under `/agent-configs`, so neither path shadows an inventory one.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from hub.api.deps import RequirePermission, SessionDep
from hub.errors import error_docs
from hub.fleet.schemas import AgentConfigPublic, AgentConfigsPublic
from hub.fleet.service import AgentConfigService
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(tags=["agents"])
AgentsRead = Annotated[Principal, RequirePermission("agents:read")]
READ, ONE = error_docs(401, 403, 422, 429), error_docs(401, 403, 404, 422, 429)


@router.get("/agent-configs", operation_id="agent_configs_list",
            response_model=AgentConfigsPublic, responses=READ)
async def list_agent_configs(
        session: SessionDep, page: PageDep, principal: AgentsRead,
        drift: Annotated[bool, Query(description="Only agents whose applied version is not "
                                     "the desired one")] = False) -> AgentConfigsPublic:
    """Configuration versions of the tenant's agents: desired, pushed, applied, last error."""
    return await AgentConfigService(session, principal).list(page, drift)


@router.get("/agents/{agent_id}/config", operation_id="agent_config_get",
            response_model=AgentConfigPublic, responses=ONE)
async def get_agent_config(agent_id: uuid.UUID, session: SessionDep,
                           principal: AgentsRead) -> AgentConfigPublic:
    """One agent's configuration versions; `in_sync` false means drift."""
    return await AgentConfigService(session, principal).get(agent_id)
