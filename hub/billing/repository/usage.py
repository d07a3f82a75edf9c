"""What a subscriber's interface carried: the 5-minute rollups ingest stored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.models import InterfaceRollup
from hub.inventory.models import Device

_SUMMED = ("in_octets_delta", "out_octets_delta", "in_errors_delta", "out_errors_delta",
           "in_bps", "out_bps", "samples")


async def interface_rollups(session: AsyncSession, tenant_id: uuid.UUID, device_id: uuid.UUID,
                            if_index: int, start: datetime, end: datetime,
                            ) -> list[InterfaceRollup]:
    """Rollup buckets of one interface of a device starting in [start, end), in time order.

    A device its agent polls from the hub's pushed config is reported under its id (so a
    rename keeps its usage); one of an agent's own agent.yaml under its name. Both keys are
    read; a bucket reported under both (the agent moved to the pushed config mid-bucket)
    is their sum."""
    device = await session.get_one(Device, device_id)
    query = select(InterfaceRollup).where(
        InterfaceRollup.tenant_id == tenant_id,
        InterfaceRollup.device.in_((str(device.id), device.name)),
        InterfaceRollup.if_index == if_index, InterfaceRollup.bucket_start >= start,
        InterfaceRollup.bucket_start < end).order_by(InterfaceRollup.bucket_start)
    return _one_per_bucket(list((await session.execute(query)).scalars()))


def _one_per_bucket(rows: list[InterfaceRollup]) -> list[InterfaceRollup]:
    """Rows of the same bucket merged into one (a detached row: never written back)."""
    merged: dict[datetime, InterfaceRollup] = {}
    for row in rows:
        first = merged.get(row.bucket_start)
        if first is None:
            merged[row.bucket_start] = row
            continue
        total = InterfaceRollup(tenant_id=row.tenant_id, device=first.device,
                                if_index=row.if_index, bucket_start=row.bucket_start)
        for column in _SUMMED:
            setattr(total, column, getattr(first, column) + getattr(row, column))
        merged[row.bucket_start] = total
    return list(merged.values())
