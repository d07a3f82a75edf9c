"""`Annotated` dependency aliases every route uses: session, caller, permission checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from hub.broker import BrokerAdmin
from hub.errors import ForbiddenError, UnauthorizedError
from hub.identity.service import AuthKit, AuthService
from hub.permissions import PERMISSIONS
from hub.principal import Principal

_bearer = HTTPBearer(auto_error=False, description="An access JWT from /auth/login, or an "
                     "API key `dmk_...`")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One database session per request, closed (rolled back if uncommitted) at the end."""
    async with request.app.state.sessions() as session:
        yield session


async def get_auth_kit(request: Request) -> AuthKit:
    """The app's authentication kit (keys, hasher, settings)."""
    kit: AuthKit = request.app.state.auth
    return kit


async def client_ip(request: Request) -> str:
    """The peer address (put a proxy-aware middleware in front to trust X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"


async def get_broker(request: Request) -> BrokerAdmin | None:
    """The broker administrator (None when this hub has no broker configured)."""
    broker: BrokerAdmin | None = request.app.state.broker
    return broker


SessionDep = Annotated[AsyncSession, Depends(get_session)]
BrokerDep = Annotated[BrokerAdmin | None, Depends(get_broker)]
AuthKitDep = Annotated[AuthKit, Depends(get_auth_kit)]
ClientIp = Annotated[str, Depends(client_ip)]


async def limit_per_ip(kit: AuthKitDep, ip: ClientIp) -> None:
    """Per-IP request budget, shared by every hub process (see ratelimit.SharedCounters)."""
    s = kit.settings
    await kit.counters.enforce(f"ip:{ip}", s.rate_limit_ip, s.rate_window)


async def auth_service(session: SessionDep, kit: AuthKitDep, ip: ClientIp) -> AuthService:
    """The auth service bound to this request."""
    return AuthService(session, kit, ip)


AuthServiceDep = Annotated[AuthService, Depends(auth_service)]


async def current_principal(
    service: AuthServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller; 401 (with no reason given) otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise UnauthorizedError("missing")
    return await service.principal(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class PermissionCheck:
    """Dependency that admits a caller holding `permission`; the route matrix reads it."""

    def __init__(self, permission: str) -> None:
        if permission not in PERMISSIONS:
            raise ValueError(f"permission {permission!r}: not in hub.permissions.PERMISSIONS")
        self.permission = permission

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        """Return the caller, or 403 when the permission is missing."""
        if not principal.has(self.permission):
            raise ForbiddenError(f"permission {self.permission}: not granted to this "
                            f"{principal.kind.replace('_', ' ')}")
        return principal


def RequirePermission(permission: str) -> Any:  # noqa: N802 - reads as a type in signatures
    """`Annotated[Principal, RequirePermission("sites:read")]`: caller with that permission."""
    return Depends(PermissionCheck(permission))
