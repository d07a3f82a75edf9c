"""Recording audit events inside the caller's transaction, and reading them back."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.models import AuditEvent
from hub.audit.repository import AuditRepository
from hub.pagination import PageParams
from hub.principal import Principal

log = logging.getLogger("dotmac.hub.audit")


class AuditTrail:
    """Stages audit events in a session; they commit (or roll back) with the change."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def record(self, action: str, target_type: str | None = None,
               target_id: uuid.UUID | None = None, **detail: Any) -> AuditEvent:
        """Stage one event done by the principal; also log it (never with secrets)."""
        event = AuditEvent(tenant_id=self.principal.tenant_id, action=action,
                           actor_type=self.principal.kind, actor_id=self.principal.id,
                           target_type=target_type, target_id=target_id,
                           ip=self.principal.ip, detail=detail)
        self.session.add(event)
        log.info("event=audit action=%s tenant=%s actor=%s:%s target=%s:%s", action,
                 self.principal.tenant_id, self.principal.kind, self.principal.id,
                 target_type, target_id)
        return event


class AuditService:
    """Admin queries over the audit log."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.repo = AuditRepository(session, principal.tenant_id)

    async def list(self, params: PageParams, action: str | None,
                   ) -> tuple[list[AuditEvent], str | None]:
        """A page of the tenant's events."""
        return await self.repo.list(params, action)
