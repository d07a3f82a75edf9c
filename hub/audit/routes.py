"""Audit log endpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hub.api.deps import RequirePermission, SessionDep
from hub.audit.schemas import AuditEventPublic, AuditEventsPublic
from hub.audit.service import AuditService
from hub.errors import error_docs
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(prefix="/audit-events", tags=["audit"])
AuditRead = Annotated[Principal, RequirePermission("audit:read")]


@router.get("", operation_id="audit_events_list", response_model=AuditEventsPublic,
            responses=error_docs(401, 403, 422, 429))
async def list_audit_events(
    session: SessionDep, page: PageDep,
    principal: AuditRead,
    action: Annotated[str | None, Query(max_length=64, examples=["auth.login_failed"])] = None,
) -> AuditEventsPublic:
    """Security events of the caller's tenant, oldest first."""
    rows, cursor = await AuditService(session, principal).list(page, action)
    return AuditEventsPublic(data=[AuditEventPublic.model_validate(r) for r in rows],
                             next_cursor=cursor)
