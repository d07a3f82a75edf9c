"""Inventory rules: unique names per tenant, agents polling only their own site's devices."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.broker import BrokerAdmin
from hub.broker.agents import has_own_login, revoke_login
from hub.db import utcnow
from hub.domain_events import publish
from hub.errors import ConflictError, InvalidRequestError
from hub.inventory.credentials.repository import CredentialSetRepository
from hub.inventory.credentials.schemas import SNMP_KINDS, CredentialKind
from hub.inventory.events import EdgeConfigChanged
from hub.inventory.models import Agent, Device, Site
from hub.inventory.repository import (
    AgentRepository,
    DeviceRepository,
    SiteRepository,
    source_owners,
)
from hub.inventory.schemas import (
    AUTO_PROFILE,
    AgentCreate,
    AgentStatus,
    AgentUpdate,
    DeviceCreate,
    DeviceUpdate,
    SiteCreate,
    SiteUpdate,
    Telemetry,
)
from hub.inventory.sources import SourceOwner, clashes
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
        """Rename or re-describe a site, set or clear (null) its walled-garden VLAN."""
        site = await self.repo.get(site_id)
        for field, value in change.model_dump(exclude_unset=True).items():
            if value is not None or field == "walled_garden_vlan":
                setattr(site, field, value)
        await commit_or_conflict(self.session, f"site name {change.name!r}: already used")
        return site

    async def delete(self, site_id: uuid.UUID) -> None:
        """Delete an empty site; one still holding agents, devices or credential sets bound
        to it is a 409."""
        await self.repo.delete(await self.repo.get(site_id))
        await commit_or_conflict(self.session, f"site {site_id}: still has agents, devices or "
                                 "credential sets; move or delete them first")


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
    """Devices of the caller's tenant. Every change that touches what an agent polls is
    announced (EdgeConfigChanged) in the transaction that makes it."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.tenant_id = principal.tenant_id
        self.repo = DeviceRepository(session, principal.tenant_id)
        self.sites = SiteRepository(session, principal.tenant_id)
        self.agents = AgentRepository(session, principal.tenant_id)
        self.credentials = CredentialSetRepository(session, principal.tenant_id)

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

    async def _check_set(self, state: Mapping[str, Any], field: str,
                         kinds: Collection[str]) -> None:
        """The set named in `field` exists in the tenant, has a fitting kind and is unbound or
        bound to the device's site (a foreign set reads as a missing one)."""
        set_id = state[field]
        if set_id is None:
            return
        found = await self.credentials.get_reference(set_id, field)
        if found.kind not in kinds:
            raise InvalidRequestError(f"{field} {set_id}: credential set {found.name} is "
                                      f"{found.kind}; {field} takes a {' or '.join(sorted(kinds))}"
                                      " set")
        if found.site_id is not None and found.site_id != state["site_id"]:
            raise InvalidRequestError(f"{field} {set_id}: credential set {found.name} is bound "
                                      "to another site; pick a set of the device's site or an "
                                      "unbound one")

    async def _check_polling(self, state: Mapping[str, Any]) -> None:
        """Credential sets and telemetry fit together (the agent could not poll otherwise)."""
        await self._check_set(state, "snmp_credential_id", SNMP_KINDS)
        await self._check_set(state, "ssh_credential_id", (CredentialKind.SSH,))
        telemetry = state["telemetry"]
        if telemetry != Telemetry.SNMP and state["ssh_credential_id"] is None:
            raise InvalidRequestError(f"ssh_credential_id: telemetry {telemetry} reads the "
                                      "device over SSH; give an ssh credential set")
        if telemetry == Telemetry.SSH and state["profile"] == AUTO_PROFILE:
            raise InvalidRequestError("profile: auto is detected over SNMP, which telemetry "
                                      "ssh does not use; name the firmware profile or use "
                                      "telemetry both")

    async def _announce(self, agents: Collection[uuid.UUID | None], reason: str) -> None:
        """Tell the fleet which agents' configs this change touches (none: nothing said)."""
        named = frozenset(agent for agent in agents if agent is not None)
        if named:
            await publish(self.session, EdgeConfigChanged(self.tenant_id, named, reason))

    async def _check_sources(self, device: Device) -> None:
        """No other device of the device's agent lists one of its event sources or is polled
        on one, nor lists its management address (the agent would map a sender to the wrong
        device). Asked after the change is flushed and the agent's config state is locked
        (EdgeConfigChanged), so two concurrent changes of one agent cannot both pass."""
        if device.agent_id is None:
            return
        this = SourceOwner(device.id, device.name, device.agent_id, device.management_address,
                           list(device.event_sources or []))
        others = await source_owners(self.session, self.tenant_id, [device.agent_id],
                                     [*this.event_sources, this.management_address])
        owners = [this, *(o for o in others if o.id != device.id)]
        clash = next((c for c in clashes(owners) if c.involves(device.name)), None)
        if clash is not None:
            message = clash.message(device.name)
            await self.session.rollback()
            raise ConflictError(message)

    async def create(self, data: DeviceCreate) -> Device:
        """Add a device to a site, optionally polled by one of that site's agents."""
        state = {**data.model_dump(include=set(_COLUMNS)),
                 "management_address": str(data.management_address)}
        await self._check_placement(data.site_id, data.agent_id)
        await self._check_polling(state)
        device = self.repo.add(Device(**_stored(state)))
        await commit_or_conflict(self.session, f"device name {data.name!r}: already used",
                                 flush_only=True)
        await self._announce([device.agent_id], "device.create")
        await self._check_sources(device)
        await self.session.commit()
        return device

    async def update(self, device_id: uuid.UUID, change: DeviceUpdate) -> Device:
        """Change a device; placement and polling settings are re-checked as a whole."""
        device = await self.repo.get(device_id)
        fields = change.model_dump(exclude_unset=True)
        if fields.get("site_id", device.site_id) is None:
            raise InvalidRequestError("site_id: a device always belongs to a site")
        state = _merged(device, fields)
        await self._check_placement(state["site_id"], state["agent_id"])
        await self._check_polling(state)
        old_agent = device.agent_id
        for column, value in _stored(state).items():
            setattr(device, column, value)
        await commit_or_conflict(self.session, f"device name {change.name!r}: already used",
                                 flush_only=True)
        await self._announce([old_agent, device.agent_id], "device.update")
        await self._check_sources(device)
        await self.session.commit()
        return device

    async def delete(self, device_id: uuid.UUID) -> None:
        """Delete a device (its agent stops polling it with the next config)."""
        device = await self.repo.get(device_id)
        agent_id = device.agent_id
        await self.repo.delete(device)
        await self.session.flush()
        await self._announce([agent_id], "device.delete")
        await self.session.commit()


# Device columns a request sets; the nullable ones may be cleared with an explicit null.
_COLUMNS = ("site_id", "agent_id", "name", "management_address", "profile", "snmp_port",
            "ssh_port", "telemetry", "interval_s", "timeout_s", "retries", "enabled",
            "maintenance", "snmp_credential_id", "ssh_credential_id", "event_sources")
_NULLABLE = frozenset({"agent_id", "snmp_credential_id", "ssh_credential_id"})


def _merged(device: Device, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The device as it would be after the change (a null only clears a nullable column)."""
    state = {column: getattr(device, column) for column in _COLUMNS}
    for column, value in fields.items():
        if column in state and (value is not None or column in _NULLABLE):
            state[column] = value
    state["management_address"] = str(state["management_address"])
    state["event_sources"] = list(state["event_sources"] or [])
    return state


def _stored(state: Mapping[str, Any]) -> dict[str, Any]:
    """Column values as stored (enums as their plain value)."""
    return {column: str(value) if isinstance(value, StrEnum) else value
            for column, value in state.items()}
