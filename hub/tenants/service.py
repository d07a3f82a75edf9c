"""Tenant rules: renaming is audited; names are unique across the hub; the hierarchy is
platform > ISP > reseller, and a tenant manages only the tenants beneath it."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.db import new_id, utcnow
from hub.errors import ConflictError, ForbiddenError, InvalidRequestError
from hub.identity.models import User
from hub.identity.passwords import Passwords
from hub.identity.session_cache import sessions_changed
from hub.pagination import PageParams
from hub.permissions import Role
from hub.principal import Principal
from hub.repository import commit_or_conflict
from hub.tenants.models import CHILD_KIND, Tenant, TenantKind
from hub.tenants.repository import (
    TenantRepository,
    adopt_orphan_isps,
    find_by_name,
    find_platform,
)
from hub.tenants.schemas import TenantCreate, TenantOwner, TenantUpdate

_WRONG_KIND = {
    (TenantKind.ISP, TenantKind.ISP): "ISPs do not nest: an ISP tenant sits directly under "
                                      "the platform, and an ISP creates resellers",
    (TenantKind.PLATFORM, TenantKind.RESELLER): "a reseller sits under an ISP: name the ISP "
                                                "in parent_id",
}


def child_kind(parent: Tenant, asked: str | None) -> TenantKind:
    """The kind a tenant created under `parent` gets; 422 when the hierarchy forbids it."""
    parent_kind = TenantKind(parent.kind)
    kind = CHILD_KIND.get(parent_kind)
    if kind is None:
        raise InvalidRequestError(f"tenant {parent.id} is a reseller: resellers do not nest; "
                                  "a reseller's parent is an ISP")
    if asked is not None and asked != kind.value:
        raise InvalidRequestError(f"kind {asked!r} under a {parent_kind.value} tenant: "
                                  + _WRONG_KIND[(parent_kind, TenantKind(asked))])
    return kind


class TenantService:
    """Reads and changes the caller's tenant and the tenants beneath it."""

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

    async def create(self, body: TenantCreate, passwords: Passwords) -> tuple[Tenant, User]:
        """A tenant beneath the caller's, with its first owner (who can sign in at once)."""
        me = await self.repo.current()
        parent = me
        if body.parent_id is not None and body.parent_id != me.id:
            parent = await self.repo.beneath(body.parent_id)  # a foreign parent is 404
        if me.kind == TenantKind.RESELLER.value:
            raise ForbiddenError("a reseller cannot create tenants: ask your ISP")
        kind = child_kind(parent, body.kind)
        tenant, owner = await _create(self.session, passwords, body.name, kind, parent.id,
                                      body.owner)
        AuditTrail(self.session, self.principal).record(
            "tenant.create", "tenant", tenant.id, kind=kind.value, parent_id=str(parent.id))
        await commit_or_conflict(self.session, f"email {owner.email}: already registered")
        return tenant, owner

    async def list(self, page: PageParams, kind: TenantKind | None,
                   parent_id: uuid.UUID | None) -> tuple[list[Tenant], str | None]:
        """The tenants beneath the caller's (one keyset page)."""
        return await self.repo.page_beneath(page, kind, parent_id)

    async def get(self, tenant_id: uuid.UUID) -> Tenant:
        """A tenant beneath the caller's (its row only, never its data)."""
        return await self.repo.beneath(tenant_id)

    async def suspend(self, tenant_id: uuid.UUID, suspended: bool) -> Tenant:
        """Suspend (or reactivate) a tenant beneath the caller's: while suspended its users'
        sign-ins, sessions and API keys are refused, and those of the resellers under it."""
        tenant = await self.repo.beneath(tenant_id)
        if (tenant.suspended_at is not None) != suspended:
            tenant.suspended_at = utcnow() if suspended else None
            AuditTrail(self.session, self.principal).record(
                "tenant.suspend" if suspended else "tenant.reactivate", "tenant", tenant.id)
            await self.session.commit()
            sessions_changed()  # this process stops trusting remembered sessions at once
        return tenant


async def _create(session: AsyncSession, passwords: Passwords, name: str, kind: TenantKind,
                  parent_id: uuid.UUID | None, who: TenantOwner) -> tuple[Tenant, User]:
    """Stage a tenant and its owner; the caller commits (and maps conflicts)."""
    if await find_by_name(session, name) is not None:
        raise ConflictError(f"tenant {name!r}: already exists; pick another name")
    tenant = Tenant(id=new_id(), name=name, kind=kind.value, parent_id=parent_id)
    session.add(tenant)
    # Flushed first: rows below reference it (no relationship() orders the inserts); a name
    # taken by a concurrent request since the check above is a 409 too.
    await commit_or_conflict(session, f"tenant {name!r}: already exists; pick another name",
                             flush_only=True)
    role = Role.OWNER.value
    owner = User(id=new_id(), tenant_id=tenant.id, email=who.email.strip().lower(),
                 full_name=who.full_name, role=role,
                 password_hash=await passwords.hash(who.password))
    session.add(owner)
    await commit_or_conflict(session, f"email {owner.email}: already registered",
                             flush_only=True)
    system = Principal("system", owner.id, tenant.id, frozenset(), (role,))
    AuditTrail(session, system).record("tenant.bootstrap", "user", owner.id, kind=kind.value)
    return tenant, owner


async def bootstrap(session: AsyncSession, passwords: Passwords, tenant_name: str,
                    email: str, password: str, platform: bool = False) -> tuple[Tenant, User]:
    """Create a tenant and its first owner (operator command; no principal exists yet).

    An ISP by default, under the platform when one exists. With `platform`, the hub's one
    platform tenant, which adopts the ISPs created before it."""
    existing = await find_platform(session)
    if platform and existing is not None:
        raise ConflictError(f"platform tenant {existing.name!r}: already exists; a hub has one")
    kind = TenantKind.PLATFORM if platform else TenantKind.ISP
    parent_id = None if platform or existing is None else existing.id
    who = TenantOwner.model_construct(email=email, full_name="", password=password)
    tenant, owner = await _create(session, passwords, tenant_name, kind, parent_id, who)
    if platform:
        await adopt_orphan_isps(session, tenant.id)
    await commit_or_conflict(session, f"email {email}: already registered in another tenant")
    return tenant, owner
