"""HTTP routes of sessions: FreeRADIUS's accounting post, and support's session views.

`POST /radius/accounting` answers 204 when the record is stored (or is a retransmit of one):
FreeRADIUS then sends the NAS its Accounting-Response. Any other answer (a refused record,
a hub error, the hub unreachable) makes the rest module fail, FreeRADIUS sends nothing and
the NAS retransmits: no accounting is acknowledged that the hub did not keep.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hub.access.radius_auth import RadiusCaller, radius_settings
from hub.access.sessions import schemas as s
from hub.access.sessions.accounting import AccountingRefusedError, parse
from hub.access.sessions.actions import CoaDispatch
from hub.access.sessions.service import SessionService, record_accounting
from hub.access.sessions.settings import SessionsSettings
from hub.api.deps import RequirePermission, SessionDep
from hub.db import utcnow
from hub.errors import InvalidRequestError, error_docs
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(tags=["access"])
log = logging.getLogger("dotmac.hub.access.sessions")
AccessRead = Annotated[Principal, RequirePermission("access:read")]
AccessWrite = Annotated[Principal, RequirePermission("access:write")]
READ, WRITE = error_docs(401, 403, 404, 422, 429), error_docs(401, 403, 404, 409, 422, 429)
ACCEPTED = "dotmac_radius_accounting_total"
REFUSED = "dotmac_radius_accounting_rejected_total"
MAX_BODY_BYTES = 64 * 1024  # a RADIUS packet is at most 4096 bytes; its JSON far less


def coa_dispatch(request: Request) -> CoaDispatch:
    """This app's CoA sender (made on first use: one per process)."""
    dispatch: CoaDispatch | None = getattr(request.app.state, "coa_dispatch", None)
    if dispatch is None:
        dispatch = CoaDispatch(request.app.state.sessions, request.app.state.settings,
                               SessionsSettings(), radius_settings(request.app).walled_garden)
        request.app.state.coa_dispatch = dispatch
    return dispatch


def _refused(request: Request, reason: str, message: str) -> InvalidRequestError:
    request.app.state.metrics.inc(REFUSED, "Accounting-Requests refused, by reason",
                                  reason=reason)
    log.warning("access.accounting_refused reason=%s detail=%r", reason, message[:200])
    return InvalidRequestError(f"accounting: {message}")


async def _body(request: Request) -> object:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise _refused(request, "oversized", f"body of {len(raw)} bytes")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise _refused(request, "malformed", "the body is not JSON") from exc


@router.post("/radius/accounting", operation_id="radius_accounting", status_code=204,
             response_class=Response, include_in_schema=False)
async def accounting(request: Request, session: SessionDep, caller: RadiusCaller) -> Response:
    """One Accounting-Request (Start, Interim-Update, Stop, Accounting-On/Off) from the
    hub's FreeRADIUS; 204 lets it answer the NAS. Not in the OpenAPI document: FreeRADIUS
    is its only client (docs/radius-sessions.md), like /radius/authorize."""
    body = await _body(request)
    try:
        stored = await record_accounting(session, parse(body, caller.nas_address, utcnow()))
    except AccountingRefusedError as exc:
        await session.rollback()
        if exc.reason != "unknown_session":
            raise _refused(request, exc.reason, str(exc)) from exc
        # A Stop nobody started: refused and counted, but answered (the NAS would resend
        # it for ever, and its Start can no longer arrive).
        _refused(request, exc.reason, str(exc))
        return Response(status_code=204)
    await session.commit()
    request.app.state.metrics.inc(ACCEPTED, "Accounting-Requests stored, by outcome",
                                  outcome=stored.outcome)
    return Response(status_code=204)


@router.get("/access/sessions", operation_id="access_sessions_list",
            response_model=s.SessionsPublic, responses=READ)
async def list_sessions(
        session: SessionDep, page: PageDep, p: AccessRead,
        online: Annotated[bool | None, Query(description="true: online now; false: ended")]
        = None,
        subscription_id: uuid.UUID | None = None, nas_id: uuid.UUID | None = None,
        site_id: uuid.UUID | None = None) -> s.SessionsPublic:
    """Sessions of the tenant, oldest first; filter by online state, subscription, NAS or
    site."""
    rows, cursor = await SessionService(session, p).search(page, online, subscription_id,
                                                           nas_id, site_id)
    return s.SessionsPublic.of(rows, cursor)


async def _detail(service: SessionService, session_id: uuid.UUID) -> s.SessionDetail:
    row, sent = await service.get(session_id)
    actions = [s.RadiusActionPublic.model_validate(a).model_copy(update={"history": [
        s.RadiusActionEventPublic.model_validate(e) for e in events]}) for a, events in sent]
    return s.SessionDetail(**s.SessionPublic.model_validate(row).model_dump(), actions=actions)


@router.get("/access/sessions/{session_id}", operation_id="access_sessions_get",
            response_model=s.SessionDetail, responses=READ)
async def get_session(session_id: uuid.UUID, session: SessionDep,
                      p: AccessRead) -> s.SessionDetail:
    """One session, with the CoA / Disconnect requests sent for it and the NAS's answers."""
    return await _detail(SessionService(session, p), session_id)


@router.post("/access/sessions/{session_id}/disconnect",
             operation_id="access_sessions_disconnect", status_code=202,
             response_model=s.RadiusActionPublic, responses=WRITE)
async def disconnect_session(session_id: uuid.UUID, request: Request, session: SessionDep,
                             p: AccessWrite, body: s.DisconnectRequest | None = None,
                             ) -> s.RadiusActionPublic:
    """Send the session's NAS a Disconnect-Request (support's button). Answered at once
    with the request `requested`; GET the session to see the NAS's ACK or NAK."""
    reason = body.reason if body is not None and body.reason else "support disconnect"
    action = await SessionService(session, p).disconnect(session_id, reason,
                                                         coa_dispatch(request))
    return s.RadiusActionPublic.model_validate(action)
