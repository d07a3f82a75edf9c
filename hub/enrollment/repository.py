"""Enrollment queries: tokens tenant-filtered for admins, by hash for the token holder;
tenant and site by name for the operator's command."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.enrollment.models import EnrollmentToken
from hub.inventory.models import Site
from hub.repository import TenantScopedRepository
from hub.tenants.models import Tenant


class EnrollmentTokenRepository(TenantScopedRepository[EnrollmentToken]):
    """Enrollment tokens of one tenant."""

    model = EnrollmentToken
    noun = "enrollment token"


class TokenLookup:
    """Cross-tenant lookups by token hash, for POST /enroll only (the token is the key)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_hash(self, token_hash: str) -> tuple[EnrollmentToken, Site] | None:
        """The token with this hash and the site it enrolls into."""
        query = (select(EnrollmentToken, Site).join(Site, Site.id == EnrollmentToken.site_id)
                 .where(EnrollmentToken.token_hash == token_hash))
        row = (await self.session.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def claim(self, token_id: uuid.UUID, now: datetime, ip: str) -> bool:
        """Mark the token used; False when another request got there first (a race)."""
        result = await self.session.execute(
            update(EnrollmentToken)
            .where(EnrollmentToken.id == token_id, EnrollmentToken.used_at.is_(None))
            .values(used_at=now, used_ip=ip))
        return bool(getattr(result, "rowcount", 0) == 1)


# The operator's command (`dotmac-hub enroll-token`) names its tenant and site as text.

async def tenants_named(session: AsyncSession, name: str | None) -> list[Tenant]:
    """Up to two tenants called `name` (any two tenants when None): enough to tell none,
    one and several apart."""
    query = select(Tenant) if name is None else select(Tenant).where(Tenant.name == name)
    return list((await session.execute(query.limit(2))).scalars())


async def site_of_tenant(session: AsyncSession, tenant_id: uuid.UUID, site: str) -> Site | None:
    """The tenant's site with this id (when `site` reads as one) or else this name."""
    query = select(Site).where(Site.tenant_id == tenant_id)
    try:
        query = query.where(Site.id == uuid.UUID(site))
    except ValueError:
        query = query.where(Site.name == site)
    found: Site | None = (await session.execute(query)).scalar_one_or_none()
    return found
