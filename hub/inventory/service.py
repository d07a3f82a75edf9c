"""Inventory rules: unique names per tenant, agents polling only their own site's devices."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.broker import BrokerAdmin
from hub.broker.agents import has_own_login, revoke_login
from hub.db import utcnow
from hub.errors import InvalidRequestError
from hub.inventory.models import Agent, Device, Site
from hub.inventory.repository import AgentRepository, DeviceRepository, SiteRepository
from hub.inventory.schemas import (
    AgentCreate,
    AgentStatus,
    AgentUpdate,
    DeviceCreate,
    DeviceUpdate,
    SiteCreate,
    SiteUpdate,
)
from hub.principal import Principal
from hub.repository import commit_or_conflict


class SiteService:
    """Sites of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.repo = SiteRepository(session, principal.tenant_id)

    async def get(self, site_id: uuid.UUID) -> Site:
        """One site."""
        return await self.repo.get(site_id)

    async def create(self, data: SiteCreate) -> Site:
        """Add a site with a name unique in the tenant."""
        site = self.repo.add(Site(**data.model_dump()))
        await commit_or_conflict(self.session, f"site name {data.name!r}: already used")
        return site

    async def update(self, site_id: uuid.UUID, change: SiteUpdate) -> Site:
        """Rename or re-describe a site."""
        site = await self.repo.get(site_id)
        for field, value in change.model_dump(exclude_none=True).items():
            setattr(site, field, value)
        await commit_or_conflict(self.session, f"site name {change.name!r}: already used")
        return site

    async def delete(self, site_id: uuid.UUID) -> None:
        """Delete an empty site; one still holding agents or devices is a 409."""
        await self.repo.delete(await self.repo.get(site_id))
        await commit_or_conflict(self.session, f"site {site_id}: still has agents or devices; "
                                 "move or delete them first")


class AgentService:
    """Agents of the caller's tenant; enrolled ones also have a broker login to manage."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 broker: BrokerAdmin | None = None) -> None:
        self.session = session
        self.repo = AgentRepository(session, principal.tenant_id)
        self.sites = SiteRepository(session, principal.tenant_id)
        self.tenant_id = principal.tenant_id
        self.audit = AuditTrail(session, principal)
        self.broker = broker

    async def get(self, agent_id: uuid.UUID) -> Agent:
        """One agent."""
        return await self.repo.get(agent_id)

    async def create(self, data: AgentCreate) -> Agent:
        """Register an agent in one of the tenant's sites."""
        await self.sites.get_reference(data.site_id, "site_id")
        agent = self.repo.add(Agent(site_id=data.site_id, name=data.name,
                                    status=AgentStatus.PENDING.value))
        await commit_or_conflict(self.session, f"agent name {data.name!r}: already used")
        return agent

    async def update(self, agent_id: uuid.UUID, change: AgentUpdate) -> Agent:
        """Rename an agent."""
        agent = await self.repo.get(agent_id)
        if change.name is not None:
            agent.name = change.name
        await commit_or_conflict(self.session, f"agent name {change.name!r}: already used")
        return agent

    async def revoke(self, agent_id: uuid.UUID) -> Agent:
        """Revoke an agent; an enrolled one loses its broker login and is disconnected first
        (503 and nothing changed when the broker cannot be told). Idempotent, audited."""
        agent = await self.repo.get(agent_id)
        enrolled = await has_own_login(self.session, self.tenant_id, agent.id)
        if enrolled:
            await revoke_login(self.broker, agent.id)
        if agent.status != AgentStatus.REVOKED:
            agent.status, agent.revoked_at = AgentStatus.REVOKED.value, utcnow()
            self.audit.record("agent.revoke", "agent", agent.id,
                              broker_access="removed" if enrolled else "none")
            await self.session.commit()
        return agent

    async def delete(self, agent_id: uuid.UUID) -> None:
        """Delete an agent no device is polled by (otherwise 409); an enrolled one loses
        its broker login too."""
        agent = await self.repo.get(agent_id)
        # Asked before the delete nulls the enrollment token's link to the agent.
        enrolled = await has_own_login(self.session, self.tenant_id, agent.id)
        await self.repo.delete(agent)
        await commit_or_conflict(self.session, f"agent {agent_id}: still polls devices; "
                                 "reassign them first", flush_only=True)
        if enrolled:
            await revoke_login(self.broker, agent_id)
            self.audit.record("agent.delete", "agent", agent_id, broker_access="removed")
        await self.session.commit()


class DeviceService:
    """Devices of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.repo = DeviceRepository(session, principal.tenant_id)
        self.sites = SiteRepository(session, principal.tenant_id)
        self.agents = AgentRepository(session, principal.tenant_id)

    async def get(self, device_id: uuid.UUID) -> Device:
        """One device."""
        return await self.repo.get(device_id)

    async def _check_placement(self, site_id: uuid.UUID, agent_id: uuid.UUID | None) -> None:
        await self.sites.get_reference(site_id, "site_id")
        if agent_id is None:
            return
        agent = await self.agents.get_reference(agent_id, "agent_id")
        if agent.site_id != site_id:
            raise InvalidRequestError(f"agent_id {agent_id}: agent {agent.name} is in another "
                                      "site; pick an agent of the device's site")
        if agent.status == AgentStatus.REVOKED:
            raise InvalidRequestError(f"agent_id {agent_id}: agent {agent.name} is revoked")

    async def create(self, data: DeviceCreate) -> Device:
        """Add a device to a site, optionally polled by one of that site's agents."""
        await self._check_placement(data.site_id, data.agent_id)
        device = self.repo.add(Device(
            site_id=data.site_id, agent_id=data.agent_id, name=data.name,
            management_address=str(data.management_address), profile=data.profile))
        await commit_or_conflict(self.session, f"device name {data.name!r}: already used")
        return device

    async def update(self, device_id: uuid.UUID, change: DeviceUpdate) -> Device:
        """Change a device; the (site, agent) pair is re-checked."""
        device = await self.repo.get(device_id)
        fields = change.model_dump(exclude_unset=True)
        if fields.get("site_id", device.site_id) is None:
            raise InvalidRequestError("site_id: a device always belongs to a site")
        site_id = fields.get("site_id") or device.site_id
        agent_id = fields.get("agent_id", device.agent_id)
        await self._check_placement(site_id, agent_id)
        for field in ("name", "profile"):
            if fields.get(field) is not None:
                setattr(device, field, fields[field])
        if fields.get("management_address") is not None:
            device.management_address = str(fields["management_address"])
        device.site_id, device.agent_id = site_id, agent_id
        await commit_or_conflict(self.session, f"device name {change.name!r}: already used")
        return device

    async def delete(self, device_id: uuid.UUID) -> None:
        """Delete a device."""
        await self.repo.delete(await self.repo.get(device_id))
        await self.session.commit()
