"""Queries of the device import and export: the tenant's names and its devices."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.inventory.credentials.models import CredentialSet
from hub.inventory.models import Agent, Device, Site

_CHUNK = 1000  # names per IN list when loading the file's existing devices


class SiteRef(NamedTuple):
    """A site, as a row of the file names it."""

    id: uuid.UUID
    name: str


class AgentRef(NamedTuple):
    """An agent, as a row of the file names it."""

    id: uuid.UUID
    name: str
    site_id: uuid.UUID
    status: str


class CredentialRef(NamedTuple):
    """A credential set's name, kind and site binding (never its secrets)."""

    id: uuid.UUID
    name: str
    kind: str
    site_id: uuid.UUID | None


class DeviceBulkRepository:
    """Everything an import or export reads and writes, of one tenant only."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    async def sites(self) -> list[SiteRef]:
        """Every site of the tenant."""
        query = select(Site.id, Site.name).where(Site.tenant_id == self.tenant_id)
        return [SiteRef(*row) for row in await self.session.execute(query)]

    async def agents(self) -> list[AgentRef]:
        """Every agent of the tenant."""
        query = select(Agent.id, Agent.name, Agent.site_id, Agent.status).where(
            Agent.tenant_id == self.tenant_id)
        return [AgentRef(*row) for row in await self.session.execute(query)]

    async def credential_sets(self) -> list[CredentialRef]:
        """Every credential set of the tenant: name, kind, site (the sealed secrets are not
        even read)."""
        query = select(CredentialSet.id, CredentialSet.name, CredentialSet.kind,
                       CredentialSet.site_id).where(CredentialSet.tenant_id == self.tenant_id)
        return [CredentialRef(*row) for row in await self.session.execute(query)]

    async def devices_named(self, names: Sequence[str]) -> list[Device]:
        """The tenant's devices with these names, locked until the transaction ends (an
        edit or delete of one of them waits for the import instead of racing it)."""
        found: list[Device] = []
        for start in range(0, len(names), _CHUNK):
            query = select(Device).where(Device.tenant_id == self.tenant_id,
                                         Device.name.in_(names[start:start + _CHUNK]),
                                         ).order_by(Device.name).with_for_update()
            found += (await self.session.execute(query)).scalars()
        return found

    def add(self, device: Device) -> None:
        """Stage a new device in the tenant."""
        device.tenant_id = self.tenant_id
        self.session.add(device)

    async def export_rows(self) -> list[dict[str, Any]]:
        """Every device of the tenant with its site, agent and credential sets by name, in
        name order."""
        snmp, ssh = aliased(CredentialSet), aliased(CredentialSet)
        query = (select(Device.name, Site.name.label("site"), Agent.name.label("agent"),
                        Device.management_address, Device.profile, Device.telemetry,
                        Device.snmp_port, Device.ssh_port, Device.interval_s, Device.timeout_s,
                        Device.retries, Device.enabled, Device.maintenance,
                        snmp.name.label("snmp_credential"), ssh.name.label("ssh_credential"),
                        Device.event_sources)
                 .join(Site, Site.id == Device.site_id)
                 .outerjoin(Agent, Agent.id == Device.agent_id)
                 .outerjoin(snmp, snmp.id == Device.snmp_credential_id)
                 .outerjoin(ssh, ssh.id == Device.ssh_credential_id)
                 .where(Device.tenant_id == self.tenant_id)
                 .order_by(Device.name))
        return [dict(row) for row in (await self.session.execute(query)).mappings()]
