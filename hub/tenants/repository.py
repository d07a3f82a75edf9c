"""Tenant queries: a caller only ever reaches its own tenant row."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.errors import NotFoundError
from hub.tenants.models import Tenant


class TenantRepository:
    """The tenant table, seen from inside one tenant."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tenant_id = tenant_id

    async def current(self) -> Tenant:
        """The caller's own tenant."""
        tenant = await self.session.get(Tenant, self.tenant_id)
        if tenant is None:
            raise NotFoundError("tenant: the caller's tenant no longer exists")
        return tenant


async def find_by_name(session: AsyncSession, name: str) -> Tenant | None:
    """Operator-side lookup used by `dotmac-hub bootstrap` (no principal yet)."""
    return (await session.execute(select(Tenant).where(Tenant.name == name))).scalar_one_or_none()
