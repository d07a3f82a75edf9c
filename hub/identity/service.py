"""Authentication rules: login with brute-force limits, refresh rotation, logout, bearer."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hub import ratelimit
from hub.audit.service import AuditTrail
from hub.db import new_id, utcnow
from hub.errors import RateLimitedError, UnauthorizedError
from hub.identity.models import ApiKey, AuthSession, RefreshToken, User
from hub.identity.passwords import Passwords
from hub.identity.repository import CredentialLookup
from hub.identity.schemas import LoginRequest, TokenPair
from hub.identity.session_cache import SessionCache, generation, sessions_changed
from hub.identity.signing import KeyRing
from hub.permissions import permissions_for
from hub.principal import Principal
from hub.settings import HubSettings

REFRESH_PREFIX = "dmr_"
API_KEY_PREFIX = "dmk_"
LAST_USED_RESOLUTION = timedelta(seconds=60)  # spares a write on every API-key request
API_KEY_PREFIX_LENGTH = 16  # the width of api_keys.prefix (12 characters are issued)


def sha256(secret: str) -> str:
    """Hex SHA-256 of a high-entropy secret (fine for random tokens; never for passwords)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class AuthKit:
    """What authentication needs from the app: settings, keys, hasher, counter store."""

    settings: HubSettings
    keys: KeyRing
    passwords: Passwords
    engine: AsyncEngine
    counters: ratelimit.SharedCounters = field(init=False)
    live_sessions: SessionCache = field(init=False)

    def __post_init__(self) -> None:
        # Keep two of the longest windows in use: no limit reads a row older than that.
        retain = 2 * max(self.settings.rate_window, self.settings.login_window)
        self.counters = ratelimit.SharedCounters(self.engine, self.settings.rate_sync_interval,
                                                 retain_s=retain)
        self.live_sessions = SessionCache(self.settings.session_cache_ttl)


def _failures(per: str, subject: str) -> str:
    """The counter of failed logins per `ip` or per account (`acct`, by e-mail): hashed, so
    an e-mail of any length fits and none is stored in the counters."""
    return ratelimit.counter_key(f"login-fail:{per}", subject)


def _as_user(user: User, ip: str | None, session_id: uuid.UUID | None = None) -> Principal:
    return Principal("user", user.id, user.tenant_id, permissions_for([user.role]),
                     (user.role,), session_id, ip)


class AuthService:
    """Login, refresh, logout and bearer-credential checks."""

    def __init__(self, session: AsyncSession, kit: AuthKit, ip: str | None) -> None:
        self.session = session
        self.kit = kit
        self.ip = ip or "unknown"
        self.lookup = CredentialLookup(session)

    async def login(self, body: LoginRequest) -> TokenPair:
        """Check the password (unless brute-force limits are hit) and open a session."""
        email = body.email.strip().lower()
        await self._refuse_when_hammered(email)
        user = await self.lookup.user_by_email(email)
        ok = await self.kit.passwords.verify(user.password_hash if user else None,
                                             body.password)
        if not ok or user is None or not user.is_active:
            await self._login_failed(email, user)
        assert user is not None
        if not await self.lookup.tenant_open(user.tenant_id):
            await self._login_failed(email, user, "tenant_suspended")
        if self.kit.passwords.needs_rehash(user.password_hash):
            user.password_hash = await self.kit.passwords.hash(body.password)
        auth_session = AuthSession(id=new_id(), tenant_id=user.tenant_id, user_id=user.id)
        self.session.add(auth_session)
        await self.session.flush()  # its refresh token references it
        AuditTrail(self.session, _as_user(user, self.ip)).record("auth.login", "user", user.id)
        return await self._issue(user, auth_session)

    async def _refuse_when_hammered(self, email: str) -> None:
        s = self.kit.settings
        window = ratelimit.Window.now(s.login_window)
        for key, limit in ((_failures("ip", self.ip), s.login_failures_ip),
                           (_failures("acct", email), s.login_failures_account)):
            if await ratelimit.count(self.kit.engine, key, window) >= limit:
                raise RateLimitedError(window.retry_after, "too many failed logins; retry after "
                                  "the Retry-After seconds")

    async def _login_failed(self, email: str, user: User | None,
                            reason: str | None = None) -> None:
        if user is not None:  # unknown accounts belong to no tenant: logged, not stored
            AuditTrail(self.session, _as_user(user, self.ip)).record(
                "auth.login_failed", "user", user.id,
                reason=reason or ("inactive" if user.is_active is False else "password"))
        # Ended before counting: on SQLite this session holds the write lock the counters'
        # own connection needs (hub.db), so counting first would wait on ourselves.
        await self.session.commit()
        window = ratelimit.Window.now(self.kit.settings.login_window)
        await ratelimit.hit(self.kit.engine, _failures("ip", self.ip), window)
        await ratelimit.hit(self.kit.engine, _failures("acct", email), window)
        raise UnauthorizedError(reason or "bad_credentials")

    async def _issue(self, user: User, auth_session: AuthSession) -> TokenPair:
        s = self.kit.settings
        secret = REFRESH_PREFIX + secrets.token_urlsafe(32)
        self.session.add(RefreshToken(
            tenant_id=user.tenant_id, session_id=auth_session.id, token_hash=sha256(secret),
            expires_at=utcnow() + timedelta(seconds=s.refresh_token_ttl)))
        await self.session.commit()
        access = await self.kit.keys.issue(user.id, user.tenant_id, [user.role], auth_session.id)
        return TokenPair(access_token=access, expires_in=s.access_token_ttl,
                         refresh_token=secret, refresh_expires_in=s.refresh_token_ttl)

    async def refresh(self, token: str) -> TokenPair:
        """Rotate a refresh token; reuse of a rotated one revokes its whole family."""
        found = await self.lookup.refresh_token(sha256(token))
        if found is None:
            raise UnauthorizedError("refresh_unknown")
        row, auth_session, user = found
        now = utcnow()
        if auth_session.revoked_at is not None or not user.is_active:
            raise UnauthorizedError("refresh_revoked")
        if not await self.lookup.tenant_open(user.tenant_id):
            raise UnauthorizedError("tenant_suspended")
        if row.used_at is not None or not await self.lookup.claim_refresh_token(row.id, now):
            await self._revoke_family(auth_session, user, "refresh_reuse")
            raise UnauthorizedError("refresh_reuse")
        if row.expires_at <= now:
            await self.session.commit()
            raise UnauthorizedError("refresh_expired")
        return await self._issue(user, auth_session)

    async def _revoke_family(self, auth_session: AuthSession, user: User, reason: str) -> None:
        auth_session.revoked_at = utcnow()
        auth_session.revoke_reason = reason
        AuditTrail(self.session, _as_user(user, self.ip)).record(
            "auth.session_revoked", "session", auth_session.id, reason=reason)
        await self.session.commit()
        sessions_changed()

    async def logout(self, token: str) -> None:
        """Revoke the session of a refresh token (unknown tokens are ignored silently)."""
        found = await self.lookup.refresh_token(sha256(token))
        if found is not None and found[1].revoked_at is None:
            await self._revoke_family(found[1], found[2], "logout")

    async def principal(self, bearer: str) -> Principal:
        """The caller behind an access JWT or an API key; UnauthorizedError otherwise."""
        if bearer.startswith(API_KEY_PREFIX):
            return await self._api_key_principal(bearer)
        claims = await self.kit.keys.verify(bearer)
        try:
            sub, tenant = uuid.UUID(claims["sub"]), uuid.UUID(claims["tenant"])
            sid = uuid.UUID(claims["sid"])
        except (ValueError, TypeError, AttributeError) as exc:
            raise UnauthorizedError("claims") from exc
        await self._rate_limit(ratelimit.counter_key("user", str(sub)))
        role = await self._live_role(sub, tenant, sid)
        return Principal("user", sub, tenant, permissions_for([role]), (role,), sid, self.ip)

    async def _live_role(self, sub: uuid.UUID, tenant: uuid.UUID, sid: uuid.UUID) -> str:
        """The role of a user whose session is live (remembered briefly, see session_cache)."""
        key = (sub, tenant, sid)
        role = self.kit.live_sessions.get(key)
        if role is None:
            seen = generation()
            user = await self.lookup.live_user_session(sub, tenant, sid)
            if user is None:
                raise UnauthorizedError("session_revoked")
            role = user.role
            self.kit.live_sessions.put(key, role, seen)
        return role

    async def _api_key_principal(self, bearer: str) -> Principal:
        prefix, _, secret = bearer[len(API_KEY_PREFIX):].partition("_")
        if not prefix or not secret or len(prefix) > API_KEY_PREFIX_LENGTH:
            raise UnauthorizedError("malformed")  # no such key can exist: nothing to count
        await self._rate_limit(ratelimit.counter_key("key", prefix))
        found = await self.lookup.api_key(prefix)
        if found is None or not hmac.compare_digest(found[0].secret_hash, sha256(secret)):
            raise UnauthorizedError("api_key_unknown")
        key, tenant_open = found
        now = utcnow()
        if key.revoked_at is not None:
            raise UnauthorizedError("api_key_revoked")
        if key.expires_at is not None and key.expires_at <= now:
            raise UnauthorizedError("api_key_expired")
        if not tenant_open:
            raise UnauthorizedError("tenant_suspended")
        await self._touch(key, now)
        return Principal("api_key", key.id, key.tenant_id, frozenset(key.scopes), (),
                         None, self.ip)

    async def _touch(self, key: ApiKey, now: datetime) -> None:
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            key.last_used_at = now
            await self.session.commit()

    async def _rate_limit(self, key: str) -> None:
        s = self.kit.settings
        await self.kit.counters.enforce(key, s.rate_limit_principal, s.rate_window)
