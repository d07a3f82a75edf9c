"""`Annotated` dependency aliases every route uses: session, caller, permission checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hub.broker import BrokerAdmin
from hub.errors import ForbiddenError, UnauthorizedError
from hub.identity.service import AuthKit, AuthService
from hub.permissions import PERMISSIONS
from hub.principal import Principal


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One database session per request, closed (rolled back if uncommitted) at the end."""
    async with request.app.state.sessions() as session:
        yield session


async def get_read_engine(request: Request) -> AsyncEngine:
    """The engine lists read through (see hub.db.read_engine): a plain dependency, no
    session to open and close around the request."""
    engine: AsyncEngine = request.app.state.read_engine
    return engine


async def get_auth_kit(request: Request) -> AuthKit:
    """The app's authentication kit (keys, hasher, settings)."""
    kit: AuthKit = request.app.state.auth
    return kit


def peer_address(request: Request) -> str:
    """The client's address: the peer, or behind a trusted proxy the X-Forwarded-For client
    (`dotmac-hub serve` lets uvicorn rewrite it; see DOTMAC_HUB_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


async def client_ip(request: Request) -> str:
    """Dependency form of `peer_address`."""
    return peer_address(request)


async def get_broker(request: Request) -> BrokerAdmin | None:
    """The broker administrator (None when this hub has no broker configured)."""
    broker: BrokerAdmin | None = request.app.state.broker
    return broker


SessionDep = Annotated[AsyncSession, Depends(get_session)]
ReadEngineDep = Annotated[AsyncEngine, Depends(get_read_engine)]
BrokerDep = Annotated[BrokerAdmin | None, Depends(get_broker)]
AuthKitDep = Annotated[AuthKit, Depends(get_auth_kit)]
ClientIp = Annotated[str, Depends(client_ip)]


# The dependencies every authenticated request solves take `Request` itself rather than
# the small kit/ip dependencies above: each dependency node costs FastAPI a solve step on
# every request, and these run on all of them (bench/api.py).


async def auth_service(session: SessionDep, kit: AuthKitDep, ip: ClientIp) -> AuthService:
    """The auth service bound to this request."""
    return AuthService(session, kit, ip)


AuthServiceDep = Annotated[AuthService, Depends(auth_service)]


async def authenticate(request: Request) -> Principal:
    """The caller of this request, resolved once (401 with no reason given otherwise).

    Its own short session, not the route's: a remembered live session needs no query at all,
    and the route's session is not kept open by the lookups of a cache miss. A session that
    ran no query has nothing to give back, so it is closed only when one began (closing an
    unused session cost more than the rest of a remembered caller's check)."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    if not token or scheme.lower() != "bearer":
        raise UnauthorizedError("missing")
    session: AsyncSession = request.app.state.sessions()
    try:
        service = AuthService(session, request.app.state.auth, peer_address(request))
        principal = await service.principal(token)
    finally:
        if session.in_transaction():
            await session.close()
    request.state.principal = principal
    return principal


class CallerCheck(HTTPBearer):
    """Dependency resolving the authenticated caller; 401 (with no reason given) otherwise.

    An HTTPBearer, so the OpenAPI document declares the scheme as before, that reads the
    header itself: one dependency node per request instead of two (bench/api.py)."""

    def __init__(self) -> None:
        super().__init__(auto_error=False, scheme_name="HTTPBearer", description="An access "
                         "JWT from /auth/login, or an API key `dmk_...`")

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        """Return the caller."""
        return await authenticate(request)


current_principal = CallerCheck()
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class PermissionCheck(CallerCheck):
    """Dependency that admits a caller holding `permission`; the route matrix reads it."""

    def __init__(self, permission: str) -> None:
        if permission not in PERMISSIONS:
            raise ValueError(f"permission {permission!r}: not in hub.permissions.PERMISSIONS")
        super().__init__()
        self.permission = permission

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        """Return the caller, or 403 when the permission is missing."""
        principal = await authenticate(request)
        if not principal.has(self.permission):
            raise ForbiddenError(f"permission {self.permission}: not granted to this "
                            f"{principal.kind.replace('_', ' ')}")
        return principal


def RequirePermission(permission: str) -> Any:  # noqa: N802 - reads as a type in signatures
    """`Annotated[Principal, RequirePermission("sites:read")]`: caller with that permission."""
    return Depends(PermissionCheck(permission))
