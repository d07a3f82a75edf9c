"""Tenant endpoints (thin: parse, call the service, shape the answer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from hub.api.deps import AuthKitDep, RequirePermission, SessionDep
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal
from hub.tenants.models import TenantKind
from hub.tenants.schemas import (
    TenantCreate,
    TenantCreated,
    TenantPublic,
    TenantsPublic,
    TenantUpdate,
)
from hub.tenants.service import TenantService

router = APIRouter(prefix="/tenants", tags=["tenants"])
TenantRead = Annotated[Principal, RequirePermission("tenant:read")]
TenantWrite = Annotated[Principal, RequirePermission("tenant:write")]
TenantsManage = Annotated[Principal, RequirePermission("tenants:manage")]


@router.get("/current", operation_id="tenants_current", response_model=TenantPublic,
            responses=error_docs(401, 403, 429))
async def current_tenant(session: SessionDep,
                         principal: TenantRead) -> TenantPublic:
    """The caller's tenant."""
    return TenantPublic.model_validate(await TenantService(session, principal).current())


@router.patch("/current", operation_id="tenants_update_current", response_model=TenantPublic,
              responses=error_docs(401, 403, 409, 422, 429))
async def update_tenant(change: TenantUpdate, session: SessionDep,
                        principal: TenantWrite) -> TenantPublic:
    """Rename the caller's tenant (owner only)."""
    return TenantPublic.model_validate(await TenantService(session, principal).update(change))


@router.post("", operation_id="tenants_create", response_model=TenantCreated, status_code=201,
             responses=error_docs(401, 403, 404, 409, 422, 429))
async def create_tenant(body: TenantCreate, session: SessionDep, kit: AuthKitDep,
                        principal: TenantsManage) -> TenantCreated:
    """Create a tenant beneath yours with its first owner: the platform creates ISPs (and
    resellers under them), an ISP its resellers; a reseller creates none (403)."""
    tenant, owner = await TenantService(session, principal).create(body, kit.passwords)
    return TenantCreated.model_validate({**TenantPublic.model_validate(tenant).model_dump(),
                                         "owner_id": owner.id})


@router.get("", operation_id="tenants_list", response_model=TenantsPublic,
            responses=error_docs(401, 403, 422, 429))
async def list_tenants(
    session: SessionDep, page: PageDep, principal: TenantsManage,
    kind: Annotated[TenantKind | None, Query(description="only tenants of this kind")] = None,
    parent_id: Annotated[uuid.UUID | None, Query(description="only tenants directly under "
                                                  "this one")] = None,
) -> TenantsPublic:
    """The tenants beneath yours (the platform: every ISP and reseller; an ISP: its
    resellers; a reseller: none)."""
    rows, cursor = await TenantService(session, principal).list(page, kind, parent_id)
    return TenantsPublic.of(rows, cursor)


@router.get("/{tenant_id}", operation_id="tenants_get", response_model=TenantPublic,
            responses=error_docs(401, 403, 404, 422, 429))
async def get_tenant(tenant_id: uuid.UUID, session: SessionDep,
                     principal: TenantsManage) -> TenantPublic:
    """A tenant beneath yours: its row only, never its customers, network or users."""
    return TenantPublic.model_validate(await TenantService(session, principal).get(tenant_id))


@router.post("/{tenant_id}/suspend", operation_id="tenants_suspend",
             response_model=TenantPublic, responses=error_docs(401, 403, 404, 422, 429))
async def suspend_tenant(tenant_id: uuid.UUID, session: SessionDep,
                         principal: TenantsManage) -> TenantPublic:
    """Suspend a tenant beneath yours: its (and its resellers') sign-ins, sessions and API
    keys are refused until reactivated; its network and data are left as they are."""
    return TenantPublic.model_validate(
        await TenantService(session, principal).suspend(tenant_id, True))


@router.post("/{tenant_id}/reactivate", operation_id="tenants_reactivate",
             response_model=TenantPublic, responses=error_docs(401, 403, 404, 422, 429))
async def reactivate_tenant(tenant_id: uuid.UUID, session: SessionDep,
                            principal: TenantsManage) -> TenantPublic:
    """Lift a suspension: the tenant's users and API keys work again."""
    return TenantPublic.model_validate(
        await TenantService(session, principal).suspend(tenant_id, False))
