"""Device events as rows: storing a batch once (deduplicated on the event id), and the
devices and ports the events name (`hub.alarms.event_rules` decides what they raise)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.models import DeviceEvent
from hub.ingest.models import ObservedInterface
from hub.inventory.models import Device


async def devices_by_id(session: AsyncSession, tenant_id: uuid.UUID,
                        ids: Iterable[uuid.UUID]) -> list[Device]:
    """The tenant's devices of these ids."""
    query = select(Device).where(Device.tenant_id == tenant_id, Device.id.in_(ids))
    return list((await session.execute(query)).scalars())


async def devices_by_name(session: AsyncSession, tenant_id: uuid.UUID,
                          names: Iterable[str]) -> list[Device]:
    """The tenant's devices of these names."""
    query = select(Device).where(Device.tenant_id == tenant_id, Device.name.in_(names))
    return list((await session.execute(query)).scalars())


async def store_new(session: AsyncSession, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert the device events (column values) not stored before; returns the event ids
    that were new (a redelivered event is skipped)."""
    backend = (await session.connection()).dialect.name
    dialect = postgresql if backend == "postgresql" else sqlite
    # Executemany form: one compiled statement whatever the batch size (SQLAlchemy sends
    # it as multi-row VALUES pages, RETURNING the rows that were new).
    statement = (dialect.insert(DeviceEvent)
                 .on_conflict_do_nothing(index_elements=["tenant_id", "event_id"])
                 .returning(DeviceEvent.event_id))
    return set((await session.execute(statement, rows)).scalars())


async def if_index_named(session: AsyncSession, tenant_id: uuid.UUID,
                         devices: Sequence[str], name: str) -> int | None:
    """The ifIndex of the observed interface named `name` of the device stored under the
    first of `devices` that has one (ingest stores a hub-managed device under its id, a
    device of the agent's own file under its name), None without one."""
    if not devices:
        return None
    query = select(ObservedInterface.device, ObservedInterface.if_index).where(
        ObservedInterface.tenant_id == tenant_id, ObservedInterface.device.in_(devices),
        ObservedInterface.name == name)
    found: dict[str, int] = {}
    for device, if_index in (await session.execute(query)).all():
        found.setdefault(device, if_index)
    return next((found[d] for d in devices if d in found), None)


PURGE_BATCH = 5000  # rows per retention transaction: a backlog never holds long locks


async def purge_batch(session: AsyncSession, tenant_id: uuid.UUID, before: datetime) -> int:
    """Delete up to PURGE_BATCH of the tenant's device events received before `before` (the
    retention schedule, hub.handlers); rows deleted."""
    ids = select(DeviceEvent.id).where(DeviceEvent.tenant_id == tenant_id,
                                       DeviceEvent.received_at < before).limit(PURGE_BATCH)
    found = list((await session.execute(ids)).scalars())
    if found:
        await session.execute(delete(DeviceEvent).where(DeviceEvent.id.in_(found))
                              .execution_options(synchronize_session=False))
    return len(found)
