"""Enrollment endpoints: an admin issues a token; the agent exchanges it (no user auth)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from hub import ratelimit
from hub.api.deps import AuthKitDep, BrokerDep, ClientIp, RequirePermission, SessionDep
from hub.enrollment.schemas import (
    EnrollGranted,
    EnrollmentTokenCreate,
    EnrollmentTokenCreated,
    EnrollRequest,
)
from hub.enrollment.service import EnrollmentService, EnrollmentTokenService
from hub.errors import error_docs
from hub.principal import Principal

router = APIRouter(tags=["enrollment"])
AgentsEnroll = Annotated[Principal, RequirePermission("agents:enroll")]


async def limit_enroll_per_ip(kit: AuthKitDep, ip: ClientIp) -> None:
    """A tighter per-IP budget for the one unauthenticated write: token guessing is slow."""
    s = kit.settings
    await ratelimit.enforce(kit.engine, ratelimit.counter_key("enroll:ip", ip),
                           s.enroll_rate_limit, s.rate_window)


@router.post("/sites/{site_id}/enrollment-tokens", operation_id="enrollment_tokens_create",
             response_model=EnrollmentTokenCreated, status_code=201,
             responses=error_docs(401, 403, 404, 422, 429))
async def create_enrollment_token(site_id: uuid.UUID, body: EnrollmentTokenCreate,
                                  session: SessionDep, kit: AuthKitDep,
                                  principal: AgentsEnroll) -> EnrollmentTokenCreated:
    """Issue a one-time, expiring token that enrolls one agent into this site.

    The `token` field is shown only in this response; the hub stores its hash.
    """
    token, secret = await EnrollmentTokenService(session, principal, kit.settings).issue(
        site_id, body)
    return EnrollmentTokenCreated(id=token.id, site_id=token.site_id,
                                  agent_name=token.agent_name, expires_at=token.expires_at,
                                  created_at=token.created_at, token=secret)


@router.post("/enroll", operation_id="agents_enroll", response_model=EnrollGranted,
             status_code=201, dependencies=[Depends(limit_enroll_per_ip)],
             responses=error_docs(401, 409, 422, 429, 503))
async def enroll(body: EnrollRequest, session: SessionDep, kit: AuthKitDep, ip: ClientIp,
                 broker: BrokerDep) -> EnrollGranted:
    """Exchange an enrollment token for an agent id, broker URLs, the broker CA and a
    broker password (shown once; the hub keeps no copy). Used by `dotmac-agent enroll`.

    401: unknown or expired token. 409: token already used. 422: refused agent name (the
    token stays valid). 503: broker unreachable (the token stays valid).
    """
    return await EnrollmentService(session, kit.settings, broker, ip).enroll(body)
