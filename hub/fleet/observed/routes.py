"""The observed view of a device."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter

from hub.api.deps import RequirePermission, SessionDep
from hub.errors import error_docs
from hub.fleet.observed.schemas import DeviceObservedPublic
from hub.fleet.observed.service import ObservedDevices
from hub.principal import Principal

router = APIRouter(prefix="/devices", tags=["devices"])

DevicesRead = Annotated[Principal, RequirePermission("devices:read")]


@router.get("/{device_id}/observed", operation_id="devices_observed",
            response_model=DeviceObservedPublic, responses=error_docs(401, 403, 404, 422, 429))
async def get_observed(device_id: uuid.UUID, session: SessionDep,
                       principal: DevicesRead) -> DeviceObservedPublic:
    """What the device's agent last observed: sysName, description, vendor, model, serial,
    OS version, profile, address, availability (up/down/unknown since when), last report
    and interfaces. `observed` is null until the agent has reported the device."""
    return await ObservedDevices(session, principal).get(device_id)
