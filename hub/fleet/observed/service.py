"""The observed view: a hub device joined to what its agent reported, by id or legacy name."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.fleet.observed.repository import ObservedRepository
from hub.fleet.observed.schemas import (
    DeviceObservedPublic,
    ObservedInterfacePublic,
    ObservedPublic,
)
from hub.ingest.models import ObservedDevice, ObservedInterface
from hub.inventory.repository import DeviceRepository
from hub.principal import Principal

_FACTS = ("sys_name", "sys_descr", "vendor", "model", "serial", "os_version")
_STATUSES = ("up", "down")


class ObservedDevices:
    """What agents last observed of the caller's tenant's devices."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.devices = DeviceRepository(session, principal.tenant_id)
        self.observed = ObservedRepository(session, principal.tenant_id)

    async def get(self, device_id: uuid.UUID) -> DeviceObservedPublic:
        """The device (404 if not the tenant's) and its observed state. A device pushed to
        its agent is reported under its id; a device of an agent's own agent.yaml under its
        name: the id is looked up first."""
        device = await self.devices.get(device_id)
        row = await self.observed.first_device((str(device.id), device.name))
        observed = None if row is None else _public(row, await self.observed.interfaces(
            row.device))
        return DeviceObservedPublic(device_id=device.id, name=device.name, observed=observed)


def _public(row: ObservedDevice, interfaces: list[ObservedInterface]) -> ObservedPublic:
    facts = row.facts or {}
    values = {key: _text(facts.get(key)) for key in _FACTS}
    return ObservedPublic(
        reported_as=row.device, agent_id=row.agent_id, profile=row.profile,
        address=row.address, status=row.status if row.status in _STATUSES else "unknown",
        status_since=row.status_since, last_seen_at=row.last_seen_at,
        interfaces=[ObservedInterfacePublic.model_validate(i) for i in interfaces], **values)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
