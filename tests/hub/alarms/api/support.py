"""Making alarms and device events for API tests: alarms are raised through the alarms
service (as the evaluator and the event rules do), inventory through the API."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.alarms import service
from hub.alarms.models import DeviceEvent
from hub.alarms.service import Condition, dedupe_key
from hub.db import new_id, utcnow
from tests.hub.harness import Account, Hub


def n() -> str:
    """A short unique suffix."""
    return secrets.token_hex(4)


@dataclass(frozen=True)
class Place:
    """A site with an agent and a device, made through the API."""

    site_id: uuid.UUID
    agent_id: uuid.UUID
    device_id: uuid.UUID
    device_name: str


async def new_place(hub: Hub, owner: Account, label: str = "pop") -> Place:
    """A new site, agent and device of the owner's tenant."""
    site = await hub.post(owner, "/sites", {"name": f"{label}-{n()}"})
    agent = await hub.post(owner, "/agents", {"site_id": site["id"], "name": f"ag-{n()}"})
    device = await hub.post(owner, "/devices", {
        "site_id": site["id"], "agent_id": agent["id"], "name": f"sw-{n()}",
        "management_address": "192.0.2.20", "profile": "cisco_ios"})
    return Place(uuid.UUID(site["id"]), uuid.UUID(agent["id"]), uuid.UUID(device["id"]),
                 device["name"])


def _subject(place: Place | None, on_device: bool, if_index: int | None) -> str:
    if place is None:
        return "hub"
    if not on_device:
        return "agent"
    return f"{place.device_name} {if_index}" if if_index is not None else place.device_name


async def raise_alarm(hub: Hub, tenant_id: uuid.UUID, place: Place | None, *,
                      rule: str = "event.link", if_index: int | None = None,
                      severity: str = "major", at: datetime | None = None,
                      on_device: bool = True, alarm_type: str = "link_down") -> uuid.UUID:
    """Raise one alarm through the service (committed) and return its id. Without a place
    it is a hub alarm of no site; `on_device` False makes it the agent's."""
    thing: Any = secrets.token_hex(6)
    if place is not None:
        thing = place.device_id if on_device else place.agent_id
    device = place is not None and on_device
    cond = Condition(
        tenant_id=tenant_id, rule=rule, dedupe_key=dedupe_key(rule, thing, if_index),
        alarm_type=alarm_type, severity=severity,
        subject=_subject(place, on_device, if_index),
        summary=f"{rule} on {thing}", origin="event" if rule.startswith("event.") else "hub",
        at=at or utcnow(), site_id=place.site_id if place else None,
        agent_id=place.agent_id if place else None,
        device_id=place.device_id if device and place else None,
        device_name=place.device_name if device and place else None, if_index=if_index)
    async with hub.app.state.sessions() as session:
        alarm = await service.raise_alarm(session, cond)
        await session.commit()
        return alarm.id


async def clear_alarm(hub: Hub, tenant_id: uuid.UUID, alarm: dict[str, Any]) -> None:
    """Clear an alarm as its rule would (by the system, now)."""
    from hub.alarms.models import Alarm

    async with hub.app.state.sessions() as session:
        stored = await session.get(Alarm, uuid.UUID(alarm["id"]))
        assert stored is not None and stored.tenant_id == tenant_id
        await service.clear_alarm(session, tenant_id, stored.dedupe_key, utcnow(),
                                  reason="link up")
        await session.commit()


async def store_event(hub: Hub, tenant_id: uuid.UUID, place: Place, *,
                      event_type: str = "link_down", received_at: datetime | None = None,
                      severity: str = "major") -> uuid.UUID:
    """Store one device event as the ingest consumer does; returns its row id."""
    row = DeviceEvent(
        id=new_id(), tenant_id=tenant_id, event_id=uuid.uuid4(), agent_id=place.agent_id,
        site_id=place.site_id, device_id=place.device_id, device_name=place.device_name,
        source="192.0.2.20", origin="snmp_trap", event_type=event_type, severity=severity,
        labels={"ifIndex": "3", "ifName": "Gi0/3"}, raw="linkDown ifIndex=3", rule=None,
        count=1, device_time=None, received_at=received_at or utcnow(), ingested_at=utcnow())
    async with hub.app.state.sessions() as session:
        session.add(row)
        await session.commit()
    return row.id


async def owner_alarm(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new alarm on a new device of the owner's tenant ({"id": ...})."""
    place = await new_place(hub, owner)
    return {"id": str(await raise_alarm(hub, owner.tenant_id, place, if_index=1))}
