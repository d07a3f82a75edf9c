"""Tenant endpoints (thin: parse, call the service, shape the answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from hub.api.deps import RequirePermission, SessionDep
from hub.errors import error_docs
from hub.principal import Principal
from hub.tenants.schemas import TenantPublic, TenantUpdate
from hub.tenants.service import TenantService

router = APIRouter(prefix="/tenants", tags=["tenants"])
TenantRead = Annotated[Principal, RequirePermission("tenant:read")]
TenantWrite = Annotated[Principal, RequirePermission("tenant:write")]


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
