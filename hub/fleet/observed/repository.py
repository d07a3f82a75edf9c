"""What ingest stored about a device, read for the observed view (fleet sits above ingest)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.models import ObservedDevice, ObservedInterface


class ObservedRepository:
    """Observed devices and interfaces of one tenant."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    async def first_device(self, keys: Sequence[str]) -> ObservedDevice | None:
        """The observed device stored under the first of `keys` that has one."""
        query = select(ObservedDevice).where(ObservedDevice.tenant_id == self.tenant_id,
                                             ObservedDevice.device.in_(keys))
        found = {row.device: row for row in (await self.session.execute(query)).scalars()}
        return next((found[key] for key in keys if key in found), None)

    async def interfaces(self, device: str) -> list[ObservedInterface]:
        """The interfaces observed on the device stored under `device`, by ifIndex."""
        query = (select(ObservedInterface)
                 .where(ObservedInterface.tenant_id == self.tenant_id,
                        ObservedInterface.device == device)
                 .order_by(ObservedInterface.if_index))
        return list((await self.session.execute(query)).scalars())
