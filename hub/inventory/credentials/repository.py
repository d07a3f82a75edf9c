"""Credential set queries (tenant filter inherited from the base classes)."""

from __future__ import annotations

import uuid

from hub.inventory.credentials.models import CredentialSet
from hub.pagination import PageParams
from hub.repository import RowPage, TenantScopedRepository, TenantScopedRows


class CredentialSetRepository(TenantScopedRepository[CredentialSet]):
    """Credential sets of one tenant (a foreign set is indistinguishable from a missing one)."""

    model = CredentialSet
    noun = "credential set"


class CredentialSetRows(TenantScopedRows[CredentialSet]):
    """Credential set lists of one tenant (read-only)."""

    model = CredentialSet

    async def list(self, params: PageParams, site_id: uuid.UUID | None) -> RowPage:
        """A page of credential sets, optionally of those bound to one site."""
        return await self.page_rows(params, site_id=site_id)
