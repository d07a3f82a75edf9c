"""API key rules: scopes within the creator's permissions, shown once, revocable."""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.db import new_id, utcnow
from hub.errors import ForbiddenError, InvalidRequestError
from hub.identity.api_keys.schemas import ApiKeyCreate
from hub.identity.models import ApiKey
from hub.identity.repository import ApiKeyRepository
from hub.identity.service import API_KEY_PREFIX, sha256
from hub.pagination import PageParams
from hub.principal import Principal
from hub.repository import commit_or_conflict


class ApiKeyService:
    """Issue, list and revoke the tenant's API keys."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.principal = principal
        self.repo = ApiKeyRepository(session, principal.tenant_id)
        self.audit = AuditTrail(session, principal)

    async def list(self, params: PageParams) -> tuple[list[ApiKey], str | None]:
        """A page of keys (metadata only)."""
        return await self.repo.page(params)

    async def get(self, key_id: uuid.UUID) -> ApiKey:
        """One key's metadata."""
        return await self.repo.get(key_id)

    async def issue(self, data: ApiKeyCreate) -> tuple[ApiKey, str]:
        """Create a key and return it with its secret, which is stored only as a hash."""
        beyond = sorted(set(data.scopes) - self.principal.permissions)
        if beyond:
            raise ForbiddenError(f"scopes {beyond}: you do not hold them, so cannot delegate them")
        if data.expires_at is not None and data.expires_at <= utcnow():
            raise InvalidRequestError("expires_at: in the past; give a future time or null")
        prefix, secret = secrets.token_urlsafe(9), secrets.token_urlsafe(32)
        prefix = prefix.replace("_", "x").replace("-", "y")  # `_` separates the key's parts
        key = self.repo.add(ApiKey(
            id=new_id(), name=data.name, prefix=prefix, secret_hash=sha256(secret),
            scopes=data.scopes, expires_at=data.expires_at,
            created_by=self.principal.id if self.principal.kind == "user" else None))
        self.audit.record("api_key.issue", "api_key", key.id, scopes=data.scopes)
        await commit_or_conflict(self.session, "API key prefix clash; retry")
        return key, f"{API_KEY_PREFIX}{prefix}_{secret}"

    async def revoke(self, key_id: uuid.UUID) -> None:
        """Revoke a key at once (idempotent)."""
        key = await self.repo.get(key_id)
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            self.audit.record("api_key.revoke", "api_key", key.id)
            await self.session.commit()
