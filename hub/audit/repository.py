"""Audit event queries (tenant-filtered by the base repository)."""

from __future__ import annotations

from hub.audit.models import AuditEvent
from hub.pagination import PageParams
from hub.repository import TenantScopedRepository


class AuditRepository(TenantScopedRepository[AuditEvent]):
    """Audit events of one tenant."""

    model = AuditEvent
    noun = "audit event"

    async def list(self, params: PageParams, action: str | None,
                   ) -> tuple[list[AuditEvent], str | None]:
        """A page of events, optionally only one action."""
        query = self.select()
        if action:
            query = query.where(AuditEvent.action == action)
        return await self.page(params, query)
