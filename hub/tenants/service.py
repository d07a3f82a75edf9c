"""Tenant rules: renaming is audited; names are unique across the hub."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.db import new_id
from hub.errors import ConflictError
from hub.identity.models import User
from hub.identity.passwords import Passwords
from hub.permissions import Role
from hub.principal import Principal
from hub.repository import commit_or_conflict
from hub.tenants.models import Tenant
from hub.tenants.repository import TenantRepository, find_by_name
from hub.tenants.schemas import TenantUpdate


class TenantService:
    """Reads and changes the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.principal = principal
        self.repo = TenantRepository(session, principal.tenant_id)

    async def current(self) -> Tenant:
        """The caller's tenant."""
        return await self.repo.current()

    async def update(self, change: TenantUpdate) -> Tenant:
        """Rename the tenant."""
        tenant = await self.repo.current()
        if change.name is not None:
            tenant.name = change.name
        AuditTrail(self.session, self.principal).record("tenant.update", "tenant", tenant.id)
        await commit_or_conflict(self.session, f"tenant name {change.name!r}: already taken")
        return tenant


async def bootstrap(session: AsyncSession, passwords: Passwords, tenant_name: str,
                    email: str, password: str) -> tuple[Tenant, User]:
    """Create a tenant and its first owner (operator command; no principal exists yet)."""
    if await find_by_name(session, tenant_name) is not None:
        raise ConflictError(f"tenant {tenant_name!r}: already exists; pick another name")
    tenant = Tenant(id=new_id(), name=tenant_name)
    session.add(tenant)
    await session.flush()  # rows below reference it; no relationship() orders the inserts
    owner = User(id=new_id(), tenant_id=tenant.id, email=email.strip().lower(),
                 role=Role.OWNER.value, password_hash=await passwords.hash(password))
    session.add(owner)
    await commit_or_conflict(session, f"email {email}: already registered", flush_only=True)
    system = Principal("system", owner.id, tenant.id, frozenset(), ("owner",))
    AuditTrail(session, system).record("tenant.bootstrap", "user", owner.id)
    await commit_or_conflict(session, f"email {email}: already registered in another tenant")
    return tenant, owner
