"""What a subscriber's interface carried: the 5-minute rollups ingest stored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.models import InterfaceRollup
from hub.inventory.models import Device


async def interface_rollups(session: AsyncSession, tenant_id: uuid.UUID, device_id: uuid.UUID,
                            if_index: int, start: datetime, end: datetime,
                            ) -> list[InterfaceRollup]:
    """Rollup buckets of one interface of a device starting in [start, end)."""
    device = await session.get_one(Device, device_id)
    query = select(InterfaceRollup).where(
        InterfaceRollup.tenant_id == tenant_id, InterfaceRollup.device == device.name,
        InterfaceRollup.if_index == if_index, InterfaceRollup.bucket_start >= start,
        InterfaceRollup.bucket_start < end)
    return list((await session.execute(query)).scalars())
