"""Tenant queries: a caller reaches its own tenant row and the tenants beneath it, never
one beside or above it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.errors import NotFoundError
from hub.pagination import PageParams, encode_cursor
from hub.tenants.models import Tenant, TenantKind


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

    def _beneath(self) -> ColumnElement[bool]:
        """Children of the caller's tenant and their children (the hierarchy is two levels
        deep below the platform: ISPs, then resellers)."""
        children = select(Tenant.id).where(Tenant.parent_id == self.tenant_id)
        return or_(Tenant.parent_id == self.tenant_id, Tenant.parent_id.in_(children))

    def select_beneath(self) -> Select[Any]:
        """Base query of the tenants beneath the caller's."""
        return select(Tenant).where(self._beneath())

    async def beneath(self, tenant_id: uuid.UUID) -> Tenant:
        """A tenant beneath the caller's; any other (its own, a sibling, a parent) is 404."""
        query = self.select_beneath().where(Tenant.id == tenant_id)
        tenant: Tenant | None = (await self.session.execute(query)).scalar_one_or_none()
        if tenant is None:
            raise NotFoundError(f"tenant {tenant_id}: no such tenant beneath yours")
        return tenant

    async def page_beneath(self, params: PageParams, kind: TenantKind | None = None,
                           parent_id: uuid.UUID | None = None,
                           ) -> tuple[list[Tenant], str | None]:
        """One keyset page (id order) of the tenants beneath, optionally of one kind or
        directly under one parent."""
        query = self.select_beneath()
        if kind is not None:
            query = query.where(Tenant.kind == kind.value)
        if parent_id is not None:
            query = query.where(Tenant.parent_id == parent_id)
        if params.after is not None:
            query = query.where(Tenant.id > params.after)
        rows = list((await self.session.execute(
            query.order_by(Tenant.id).limit(params.limit + 1))).scalars())
        return _cut(rows, params.limit)

    async def children(self, kind: TenantKind) -> list[Tenant]:
        """The tenants of `kind` directly under the caller's, by name."""
        query = (select(Tenant).where(Tenant.parent_id == self.tenant_id,
                                      Tenant.kind == kind.value).order_by(Tenant.name))
        return list((await self.session.execute(query)).scalars())

    async def child(self, tenant_id: uuid.UUID, kind: TenantKind) -> Tenant:
        """One tenant of `kind` directly under the caller's; 404 otherwise."""
        query = select(Tenant).where(Tenant.id == tenant_id, Tenant.kind == kind.value,
                                     Tenant.parent_id == self.tenant_id)
        tenant: Tenant | None = (await self.session.execute(query)).scalar_one_or_none()
        if tenant is None:
            raise NotFoundError(f"tenant {tenant_id}: no such {kind.value} under yours")
        return tenant


def _cut(rows: list[Tenant], limit: int) -> tuple[list[Tenant], str | None]:
    """The page and the cursor of the next one (None on the last page)."""
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(rows[limit - 1].id)


async def find_by_name(session: AsyncSession, name: str) -> Tenant | None:
    """Operator-side lookup used by `dotmac-hub bootstrap` (no principal yet)."""
    return (await session.execute(select(Tenant).where(Tenant.name == name))).scalar_one_or_none()


async def find_platform(session: AsyncSession) -> Tenant | None:
    """The hub's platform tenant, if `dotmac-hub platform bootstrap` created one."""
    query = select(Tenant).where(Tenant.kind == TenantKind.PLATFORM.value)
    return (await session.execute(query)).scalar_one_or_none()


async def adopt_orphan_isps(session: AsyncSession, platform_id: uuid.UUID) -> None:
    """Put every ISP without a parent (made before the platform existed) under it."""
    await session.execute(update(Tenant).where(Tenant.kind == TenantKind.ISP.value,
                                               Tenant.parent_id.is_(None))
                          .values(parent_id=platform_id))
