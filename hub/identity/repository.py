"""Identity queries: tenant-filtered repositories, plus the few pre-authentication lookups.

Pre-authentication lookups (by email, refresh-token hash, API key prefix) necessarily search
every tenant: they are how the tenant is learned. They live in `CredentialLookup` and return
rows only to the auth service, never to a route.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Uuid, column, exists, or_, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.identity.models import ApiKey, AuthSession, RefreshToken, SigningKey, User
from hub.repository import TenantScopedRepository

# Suspension is the tenants domain's (tenants.suspended_at); identity sits below tenants (whose
# bootstrap creates users), so it reads the columns through a bare table description, as
# hub/broker/agents.py does. tests/hub/tenants/test_hierarchy.py suspends and would catch a
# rename.
_TENANTS = table("tenants", column("id", Uuid), column("parent_id", Uuid),
                 column("suspended_at"))
_PARENTS = _TENANTS.alias("parent_tenants")


def not_suspended(tenant_id: object) -> ColumnElement[bool]:
    """Neither the tenant nor the tenant above it (a reseller's ISP) is suspended."""
    suspended = (select(_TENANTS.c.id)
                 .outerjoin(_PARENTS, _PARENTS.c.id == _TENANTS.c.parent_id)
                 .where(_TENANTS.c.id == tenant_id,
                        or_(_TENANTS.c.suspended_at.is_not(None),
                            _PARENTS.c.suspended_at.is_not(None))))
    return ~exists(suspended)


class UserRepository(TenantScopedRepository[User]):
    """Users of one tenant."""

    model = User
    noun = "user"


class ApiKeyRepository(TenantScopedRepository[ApiKey]):
    """API keys of one tenant."""

    model = ApiKey
    noun = "API key"


class SessionRepository(TenantScopedRepository[AuthSession]):
    """Sign-in sessions of one tenant."""

    model = AuthSession
    noun = "session"

    async def revoke_for_user(self, user_id: uuid.UUID, reason: str) -> None:
        """End every live session of a user (deactivation, password change)."""
        await self.session.execute(
            update(AuthSession)
            .where(AuthSession.tenant_id == self.tenant_id, AuthSession.user_id == user_id,
                   AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoke_reason=reason))


class CredentialLookup:
    """Cross-tenant lookups by credential, for the auth service only."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user_by_email(self, email: str) -> User | None:
        """The user signing in with this email."""
        query = select(User).where(User.email == email.strip().lower())
        return (await self.session.execute(query)).scalar_one_or_none()

    async def refresh_token(self, token_hash: str,
                            ) -> tuple[RefreshToken, AuthSession, User] | None:
        """A refresh token with its session and user."""
        query = (select(RefreshToken, AuthSession, User)
                 .join(AuthSession, AuthSession.id == RefreshToken.session_id)
                 .join(User, User.id == AuthSession.user_id)
                 .where(RefreshToken.token_hash == token_hash))
        row = (await self.session.execute(query)).first()
        return (row[0], row[1], row[2]) if row else None

    async def claim_refresh_token(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Mark a refresh token used; False when another request already did (a race)."""
        result = await self.session.execute(
            update(RefreshToken).where(RefreshToken.id == token_id,
                                       RefreshToken.used_at.is_(None)).values(used_at=now))
        return bool(getattr(result, "rowcount", 0) == 1)

    async def live_user_session(self, user_id: uuid.UUID, tenant_id: uuid.UUID,
                                session_id: uuid.UUID) -> User | None:
        """The active user behind an access token whose session is not revoked."""
        query = (select(User).join(AuthSession, AuthSession.user_id == User.id)
                 .where(User.id == user_id, User.tenant_id == tenant_id, User.is_active,
                        AuthSession.id == session_id, AuthSession.revoked_at.is_(None),
                        not_suspended(User.tenant_id)))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def tenant_open(self, tenant_id: uuid.UUID) -> bool:
        """Whether the tenant's people and keys may authenticate (not suspended)."""
        return bool(await self.session.scalar(select(not_suspended(tenant_id))))

    async def api_key(self, prefix: str) -> tuple[ApiKey, bool] | None:
        """The API key with this public prefix, and whether its tenant is open (not
        suspended): one query, as every API-key request makes it."""
        row = (await self.session.execute(
            select(ApiKey, not_suspended(ApiKey.tenant_id))
            .where(ApiKey.prefix == prefix))).first()
        return (row[0], bool(row[1])) if row else None


class SigningKeys:
    """The JWT signing keys (hub-wide: they sign every tenant's tokens)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active(self) -> list[SigningKey]:
        """Keys not yet retired (normally one)."""
        query = select(SigningKey).where(SigningKey.retired_at.is_(None))
        return list((await self.session.execute(query)).scalars())

    async def verifying(self, now: datetime) -> list[SigningKey]:
        """Keys still allowed to verify at `now`, oldest first."""
        query = (select(SigningKey)
                 .where(or_(SigningKey.verify_until.is_(None), SigningKey.verify_until > now))
                 .order_by(SigningKey.created_at))
        return list((await self.session.execute(query)).scalars())
