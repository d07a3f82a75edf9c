"""Site, agent and device endpoints (thin: parse, call the service, shape the answer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hub.api.deps import BrokerDep, ReadEngineDep, RequirePermission, SessionDep
from hub.errors import error_docs
from hub.inventory.repository import AgentRows, DeviceRows, SiteRows
from hub.inventory.schemas import (
    AgentCreate,
    AgentPublic,
    AgentsPublic,
    AgentUpdate,
    DeviceCreate,
    DevicePublic,
    DevicesPublic,
    DeviceUpdate,
    SiteCreate,
    SitePublic,
    SitesPublic,
    SiteUpdate,
    devices_page_json,
)
from hub.inventory.service import AgentService, DeviceService, SiteService
from hub.pagination import PageDep
from hub.principal import Principal

sites = APIRouter(prefix="/sites", tags=["sites"])
agents = APIRouter(prefix="/agents", tags=["agents"])
devices = APIRouter(prefix="/devices", tags=["devices"])
READ, WRITE, ONE = (error_docs(401, 403, 422, 429), error_docs(401, 403, 409, 422, 429),
                    error_docs(401, 403, 404, 409, 422, 429))
BROKERED = error_docs(401, 403, 404, 409, 422, 429, 503)
OptId = Annotated[uuid.UUID | None, Query()]


SitesRead = Annotated[Principal, RequirePermission("sites:read")]
SitesWrite = Annotated[Principal, RequirePermission("sites:write")]
AgentsRead = Annotated[Principal, RequirePermission("agents:read")]
AgentsWrite = Annotated[Principal, RequirePermission("agents:write")]
DevicesRead = Annotated[Principal, RequirePermission("devices:read")]
DevicesWrite = Annotated[Principal, RequirePermission("devices:write")]


@sites.get("", operation_id="sites_list", response_model=SitesPublic, responses=READ)
async def list_sites(db: ReadEngineDep, page: PageDep, principal: SitesRead) -> SitesPublic:
    """Sites of the caller's tenant."""
    rows, cursor = await SiteRows(db, principal.tenant_id).list(page)
    return SitesPublic.of(rows, cursor)


@sites.post("", operation_id="sites_create", response_model=SitePublic, status_code=201,
            responses=WRITE)
async def create_site(body: SiteCreate, session: SessionDep, principal: SitesWrite) -> SitePublic:
    """Add a site (POP)."""
    return SitePublic.model_validate(await SiteService(session, principal).create(body))


@sites.get("/{site_id}", operation_id="sites_get", response_model=SitePublic, responses=ONE)
async def get_site(site_id: uuid.UUID, session: SessionDep, principal: SitesRead) -> SitePublic:
    """One site."""
    return SitePublic.model_validate(await SiteService(session, principal).get(site_id))


@sites.patch("/{site_id}", operation_id="sites_update", response_model=SitePublic,
             responses=ONE)
async def update_site(site_id: uuid.UUID, body: SiteUpdate, session: SessionDep,
                      principal: SitesWrite) -> SitePublic:
    """Change a site."""
    return SitePublic.model_validate(await SiteService(session, principal).update(site_id, body))


@sites.delete("/{site_id}", operation_id="sites_delete", status_code=204, responses=ONE)
async def delete_site(site_id: uuid.UUID, session: SessionDep, principal: SitesWrite) -> Response:
    """Delete an empty site (409 while agents, devices or credential sets bound to it
    remain)."""
    await SiteService(session, principal).delete(site_id)
    return Response(status_code=204)


@agents.get("", operation_id="agents_list", response_model=AgentsPublic, responses=READ)
async def list_agents(db: ReadEngineDep, page: PageDep, principal: AgentsRead,
                      site_id: OptId = None) -> AgentsPublic:
    """Agents of the caller's tenant, optionally of one site."""
    rows, cursor = await AgentRows(db, principal.tenant_id).list(page, site_id)
    return AgentsPublic.of(rows, cursor)


@agents.post("", operation_id="agents_create", response_model=AgentPublic, status_code=201,
             responses=WRITE)
async def create_agent(body: AgentCreate, session: SessionDep,
                       principal: AgentsWrite) -> AgentPublic:
    """Register an agent in a site (status pending until it enrolls)."""
    return AgentPublic.model_validate(await AgentService(session, principal).create(body))


@agents.get("/{agent_id}", operation_id="agents_get", response_model=AgentPublic,
            responses=ONE)
async def get_agent(agent_id: uuid.UUID, session: SessionDep,
                    principal: AgentsRead) -> AgentPublic:
    """One agent."""
    return AgentPublic.model_validate(await AgentService(session, principal).get(agent_id))


@agents.patch("/{agent_id}", operation_id="agents_update", response_model=AgentPublic,
              responses=ONE)
async def update_agent(agent_id: uuid.UUID, body: AgentUpdate, session: SessionDep,
                       principal: AgentsWrite) -> AgentPublic:
    """Rename an agent."""
    return AgentPublic.model_validate(
        await AgentService(session, principal).update(agent_id, body))


@agents.post("/{agent_id}/revoke", operation_id="agents_revoke", response_model=AgentPublic,
             responses=BROKERED)
async def revoke_agent(agent_id: uuid.UUID, session: SessionDep, principal: AgentsWrite,
                       broker: BrokerDep) -> AgentPublic:
    """Revoke an agent (audited). An enrolled agent's broker login is removed and the broker
    disconnects it at once; 503 (nothing changed) when the broker cannot be reached."""
    return AgentPublic.model_validate(
        await AgentService(session, principal, broker).revoke(agent_id))


@agents.delete("/{agent_id}", operation_id="agents_delete", status_code=204,
               responses=BROKERED)
async def delete_agent(agent_id: uuid.UUID, session: SessionDep, principal: AgentsWrite,
                       broker: BrokerDep) -> Response:
    """Delete an agent that polls no device (409 otherwise); an enrolled one also loses its
    broker login."""
    await AgentService(session, principal, broker).delete(agent_id)
    return Response(status_code=204)


@devices.get("", operation_id="devices_list", response_model=DevicesPublic, responses=READ)
async def list_devices(db: ReadEngineDep, page: PageDep, principal: DevicesRead,
                       site_id: OptId = None, agent_id: OptId = None) -> Response:
    """Devices of the caller's tenant, optionally of one site and/or agent."""
    # The most read list (issue 15's benchmark): the body is written straight from the rows,
    # the same bytes as DevicesPublic (still the documented response_model).
    rows, cursor = await DeviceRows(db, principal.tenant_id).list(page, site_id, agent_id)
    return Response(devices_page_json(rows, cursor), media_type="application/json")


@devices.post("", operation_id="devices_create", response_model=DevicePublic,
              status_code=201, responses=WRITE)
async def create_device(body: DeviceCreate, session: SessionDep,
                        principal: DevicesWrite) -> DevicePublic:
    """Add a device; its agent, if any, must be an agent of the same site."""
    return DevicePublic.model_validate(await DeviceService(session, principal).create(body))


@devices.get("/{device_id}", operation_id="devices_get", response_model=DevicePublic,
             responses=ONE)
async def get_device(device_id: uuid.UUID, session: SessionDep,
                     principal: DevicesRead) -> DevicePublic:
    """One device."""
    return DevicePublic.model_validate(await DeviceService(session, principal).get(device_id))


@devices.patch("/{device_id}", operation_id="devices_update", response_model=DevicePublic,
               responses=ONE)
async def update_device(device_id: uuid.UUID, body: DeviceUpdate, session: SessionDep,
                        principal: DevicesWrite) -> DevicePublic:
    """Change a device; the site/agent pairing is checked again."""
    return DevicePublic.model_validate(
        await DeviceService(session, principal).update(device_id, body))


@devices.delete("/{device_id}", operation_id="devices_delete", status_code=204,
                responses=ONE)
async def delete_device(device_id: uuid.UUID, session: SessionDep,
                        principal: DevicesWrite) -> Response:
    """Delete a device."""
    await DeviceService(session, principal).delete(device_id)
    return Response(status_code=204)
