"""Site, agent and device queries (tenant filter inherited from the base classes):
sessions for reads and writes that go with rules, read-only `...Rows` for the lists."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import NamedTuple

from sqlalchemy import String, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.inventory.models import Agent, Device, Site
from hub.inventory.sources import SourceOwner
from hub.pagination import PageParams
from hub.repository import RowPage, TenantScopedRepository, TenantScopedRows


class SiteRepository(TenantScopedRepository[Site]):
    """Sites of one tenant."""

    model = Site
    noun = "site"


class AgentRepository(TenantScopedRepository[Agent]):
    """Agents of one tenant."""

    model = Agent
    noun = "agent"


class DeviceUse(NamedTuple):
    """A device that refers to a credential set: what the set's rules and events need."""

    name: str
    site_id: uuid.UUID
    agent_id: uuid.UUID | None


class DeviceRepository(TenantScopedRepository[Device]):
    """Devices of one tenant."""

    model = Device
    noun = "device"

    async def using_credential_set(self, set_id: uuid.UUID) -> list[DeviceUse]:
        """The devices whose SNMP or SSH credential set is `set_id`, by name."""
        query = (select(Device.name, Device.site_id, Device.agent_id)
                 .where(Device.tenant_id == self.tenant_id)
                 .where(or_(Device.snmp_credential_id == set_id,
                            Device.ssh_credential_id == set_id))
                 .order_by(Device.name))
        return [DeviceUse(*row) for row in (await self.session.execute(query)).all()]


async def source_owners(session: AsyncSession, tenant_id: uuid.UUID,
                        agent_ids: Collection[uuid.UUID],
                        addresses: Collection[str]) -> list[SourceOwner]:
    """The devices of these agents that list event sources or are polled on one of
    `addresses`: every device a sender-mapping clash with those addresses can involve."""
    if not agent_ids:
        return []
    listing = cast(Device.event_sources, String) != "[]"
    polled = Device.management_address.in_(sorted(set(addresses))) if addresses else None
    query = (select(Device.id, Device.name, Device.agent_id, Device.management_address,
                    Device.event_sources)
             .where(Device.tenant_id == tenant_id, Device.agent_id.in_(sorted(agent_ids)))
             .where(listing if polled is None else or_(listing, polled))
             .order_by(Device.name))
    return [SourceOwner(row[0], row[1], row[2], row[3], list(row[4] or []))
            for row in (await session.execute(query)).all()]


class SiteRows(TenantScopedRows[Site]):
    """Site lists of one tenant (read-only)."""

    model = Site

    async def list(self, params: PageParams) -> RowPage:
        """A page of sites."""
        return await self.page_rows(params)


class AgentRows(TenantScopedRows[Agent]):
    """Agent lists of one tenant (read-only)."""

    model = Agent

    async def list(self, params: PageParams, site_id: uuid.UUID | None) -> RowPage:
        """A page of agents, optionally of one site."""
        return await self.page_rows(params, site_id=site_id)


class DeviceRows(TenantScopedRows[Device]):
    """Device lists of one tenant (read-only)."""

    model = Device

    async def list(self, params: PageParams, site_id: uuid.UUID | None,
                   agent_id: uuid.UUID | None) -> RowPage:
        """A page of devices, optionally of one site and/or one agent."""
        return await self.page_rows(params, site_id=site_id, agent_id=agent_id)
