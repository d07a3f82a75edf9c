"""HTTP routes of subscriber access (thin: parse, call the service, shape the answer).

- `/access/nas`: the NAS registry (secret write-only), `access:read|write`.
- `/access/subscriptions/{id}/credentials`: a subscription's PPPoE / IPoE credential.
- `POST /radius/authorize`: FreeRADIUS's rest module only (`RadiusCaller`), not in the
  public API document; the body and answer are the rest module's JSON (docs/radius.md).
- `POST /radius/rejections`: FreeRADIUS's rejection reader only (`RadiusCaller`): one
  Access-Reject FreeRADIUS decided itself, counted (hub.access.rejections).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from hub.access.authorize import RadiusAuthorizer
from hub.access.radius_auth import (
    RadiusCaller,
    count_rejection,
    count_spooled_rejection,
    radius_settings,
)
from hub.access.rejections import REFUSED, REFUSED_HELP, RejectionRecordError, parse_record
from hub.access.repository import NasRows
from hub.access.schemas import (
    CredentialPublic,
    CredentialPut,
    NasCreate,
    NasesPublic,
    NasPublic,
    NasUpdate,
)
from hub.access.service import CredentialService, NasService, credential_public
from hub.access.sessions.settings import SessionsSettings
from hub.api.deps import ReadEngineDep, RequirePermission, SessionDep
from hub.errors import InvalidRequestError, error_docs
from hub.pagination import PageDep
from hub.principal import Principal
from hub.settings import HubSettings

router = APIRouter(tags=["access"])
READ, WRITE = error_docs(401, 403, 422, 429), error_docs(401, 403, 409, 422, 429)
ONE = error_docs(401, 403, 404, 409, 422, 429)
AccessRead = Annotated[Principal, RequirePermission("access:read")]
AccessWrite = Annotated[Principal, RequirePermission("access:write")]


async def _settings(request: Request) -> HubSettings:
    settings: HubSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[HubSettings, Depends(_settings)]


@router.get("/access/nas", operation_id="access_nas_list", response_model=NasesPublic,
            responses=READ)
async def list_nas(db: ReadEngineDep, page: PageDep, principal: AccessRead,
                   site_id: Annotated[uuid.UUID | None, Query()] = None) -> NasesPublic:
    """NASes of the caller's tenant, optionally of one site."""
    rows, cursor = await NasRows(db, principal.tenant_id).list(page, site_id)
    return NasesPublic.of(rows, cursor)


@router.post("/access/nas", operation_id="access_nas_create", response_model=NasPublic,
             status_code=201, responses=WRITE)
async def create_nas(body: NasCreate, session: SessionDep, principal: AccessWrite,
                     settings: SettingsDep) -> NasPublic:
    """Register a NAS of a site (address unique over the hub; secret sealed, never shown).
    Regenerate FreeRADIUS's clients with `dotmac-hub radius clients` afterwards."""
    row = await NasService(session, principal, settings).create(body)
    return NasPublic.model_validate(row)


@router.get("/access/nas/{nas_id}", operation_id="access_nas_get", response_model=NasPublic,
            responses=ONE)
async def get_nas(nas_id: uuid.UUID, session: SessionDep, principal: AccessRead,
                  settings: SettingsDep) -> NasPublic:
    """One NAS (never its secret)."""
    return NasPublic.model_validate(await NasService(session, principal, settings).get(nas_id))


@router.patch("/access/nas/{nas_id}", operation_id="access_nas_update",
              response_model=NasPublic, responses=ONE)
async def update_nas(nas_id: uuid.UUID, body: NasUpdate, session: SessionDep,
                     principal: AccessWrite, settings: SettingsDep) -> NasPublic:
    """Change a NAS; `secret` rotates its shared secret."""
    row = await NasService(session, principal, settings).update(nas_id, body)
    return NasPublic.model_validate(row)


@router.delete("/access/nas/{nas_id}", operation_id="access_nas_delete", status_code=204,
               responses=ONE)
async def delete_nas(nas_id: uuid.UUID, session: SessionDep, principal: AccessWrite,
                     settings: SettingsDep) -> Response:
    """Forget a NAS; the hub rejects its requests at once, FreeRADIUS drops them once
    clients.conf is regenerated."""
    await NasService(session, principal, settings).delete(nas_id)
    return Response(status_code=204)


CREDENTIALS = "/access/subscriptions/{subscription_id}/credentials"


@router.get(CREDENTIALS, operation_id="access_credentials_get",
            response_model=CredentialPublic, responses=ONE)
async def get_credentials(subscription_id: uuid.UUID, session: SessionDep,
                          principal: AccessRead, settings: SettingsDep) -> CredentialPublic:
    """The subscription's login (whether a password is set, never the password)."""
    row = await CredentialService(session, principal, settings).get(subscription_id)
    return CredentialPublic.model_validate(credential_public(row))


@router.put(CREDENTIALS, operation_id="access_credentials_put",
            response_model=CredentialPublic, responses=ONE)
async def put_credentials(subscription_id: uuid.UUID, body: CredentialPut,
                          session: SessionDep, principal: AccessWrite,
                          settings: SettingsDep) -> CredentialPublic:
    """Set or replace the subscription's PPPoE or IPoE login (username and MAC unique over
    the hub). Sessions already up keep running until they re-authenticate."""
    row = await CredentialService(session, principal, settings).put(subscription_id, body)
    return CredentialPublic.model_validate(credential_public(row))


@router.delete(CREDENTIALS, operation_id="access_credentials_delete", status_code=204,
               responses=ONE)
async def delete_credentials(subscription_id: uuid.UUID, session: SessionDep,
                             principal: AccessWrite, settings: SettingsDep) -> Response:
    """Remove the login: the next Access-Request of this subscriber is rejected."""
    await CredentialService(session, principal, settings).delete(subscription_id)
    return Response(status_code=204)


@router.post("/radius/authorize", operation_id="radius_authorize", include_in_schema=False,
             responses=error_docs(401))
async def radius_authorize(request: Request, caller: RadiusCaller, session: SessionDep,
                           settings: SettingsDep,
                           body: Annotated[Any, Body()] = None) -> JSONResponse:
    """FreeRADIUS's authorize call: 200 + attributes, 401 reject (reason counted), 404
    unknown subscriber (counted too)."""
    radius = radius_settings(request.app)
    if not isinstance(body, dict):
        body = {}
    authorizer = RadiusAuthorizer(session, settings.secret_key, radius,
                                  _interim_interval_s(request))
    answer = await authorizer.answer(caller.nas_address, body)
    if not answer.accept:
        count_rejection(request, answer.reason, nas=caller.nas_address or "-")
    status = 200 if answer.accept else 404 if answer.reason == "unknown_user" else 401
    return JSONResponse(answer.rest_json(), status_code=status)


@router.post("/radius/rejections", operation_id="radius_rejections", status_code=204,
             response_class=Response, include_in_schema=False, responses=error_docs(401, 422))
async def radius_rejections(request: Request, caller: RadiusCaller) -> Response:
    """One Access-Reject FreeRADIUS sent (its rejection reader replays the spool): counted
    in dotmac_radius_rejections_total{reason} and logged (budgeted). 422 for a body that is
    not a rejection record (counted as refused input; the reader copies it aside)."""
    try:
        record = parse_record(await request.body())
    except RejectionRecordError as exc:
        request.app.state.metrics.inc(REFUSED, REFUSED_HELP, reason=exc.reason)
        raise InvalidRequestError(f"rejection record: {exc}") from exc
    count_spooled_rejection(request, record.reason, nas=caller.nas_address or "-",
                            user=record.user, delay_s=str(record.delay_s))
    return Response(status_code=204)


def _interim_interval_s(request: Request) -> int:
    """Acct-Interim-Interval: the sessions domain's setting, read once per app."""
    sessions: SessionsSettings | None = getattr(request.app.state, "radius_sessions", None)
    if sessions is None:
        sessions = SessionsSettings()
        request.app.state.radius_sessions = sessions
    return sessions.interim_interval_s
