"""Authentication endpoints: login, refresh, logout, who-am-I, JWKS."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from hub.api.deps import AuthServiceDep, CurrentPrincipal
from hub.errors import error_docs
from hub.identity.schemas import LoginRequest, PrincipalPublic, RefreshRequest, TokenPair

router = APIRouter(tags=["auth"])


@router.post("/auth/login", operation_id="auth_login", response_model=TokenPair,
             responses=error_docs(401, 422, 429))
async def login(body: LoginRequest, service: AuthServiceDep) -> TokenPair:
    """Exchange email + password for an access JWT and a refresh token.

    Repeated failures per account and per client IP answer 429 with Retry-After.
    """
    return await service.login(body)


@router.post("/auth/refresh", operation_id="auth_refresh", response_model=TokenPair,
             responses=error_docs(401, 422, 429))
async def refresh(body: RefreshRequest, service: AuthServiceDep) -> TokenPair:
    """Rotate a refresh token. Presenting an already-rotated token ends the whole session."""
    return await service.refresh(body.refresh_token)


@router.post("/auth/logout", operation_id="auth_logout", status_code=204,
             responses=error_docs(422, 429))
async def logout(body: RefreshRequest, service: AuthServiceDep) -> Response:
    """End the session of a refresh token; its access tokens stop working at once."""
    await service.logout(body.refresh_token)
    return Response(status_code=204)


@router.get("/auth/me", operation_id="auth_me", response_model=PrincipalPublic,
            responses=error_docs(401, 429))
async def me(principal: CurrentPrincipal) -> PrincipalPublic:
    """Who the presented credentials belong to, and what they allow."""
    kind = "api_key" if principal.kind == "api_key" else "user"
    return PrincipalPublic(kind=kind, id=principal.id, tenant_id=principal.tenant_id,
                           roles=list(principal.roles),
                           permissions=sorted(principal.permissions))


@router.get("/.well-known/jwks.json", operation_id="auth_jwks", tags=["auth"])
async def jwks(request: Request) -> dict[str, Any]:
    """Public keys that verify access tokens (current and still-overlapping ones)."""
    result: dict[str, Any] = await request.app.state.auth.keys.jwks()
    return result
