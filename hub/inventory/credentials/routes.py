"""Credential set endpoints (thin: parse, call the service, shape the answer). Write-only
secrets: no answer ever carries one, only the names of those that are set."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from hub.api.deps import ReadEngineDep, RequirePermission, SessionDep
from hub.errors import error_docs
from hub.inventory.credentials.repository import CredentialSetRows
from hub.inventory.credentials.schemas import (
    CredentialSetCreate,
    CredentialSetPublic,
    CredentialSetsPublic,
    CredentialSetUpdate,
)
from hub.inventory.credentials.service import CredentialSetService
from hub.pagination import PageDep
from hub.principal import Principal
from hub.settings import HubSettings

router = APIRouter(prefix="/credential-sets", tags=["credential sets"])
READ, WRITE = error_docs(401, 403, 422, 429), error_docs(401, 403, 409, 422, 429)
ONE = error_docs(401, 403, 404, 409, 422, 429)
CredentialsRead = Annotated[Principal, RequirePermission("credentials:read")]
CredentialsManage = Annotated[Principal, RequirePermission("credentials:manage")]


async def _settings(request: Request) -> HubSettings:
    settings: HubSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[HubSettings, Depends(_settings)]


@router.get("", operation_id="credential_sets_list", response_model=CredentialSetsPublic,
            responses=READ)
async def list_credential_sets(db: ReadEngineDep, page: PageDep, principal: CredentialsRead,
                               site_id: Annotated[uuid.UUID | None, Query()] = None,
                               ) -> CredentialSetsPublic:
    """Credential sets of the caller's tenant, optionally those bound to one site."""
    rows, cursor = await CredentialSetRows(db, principal.tenant_id).list(page, site_id)
    return CredentialSetsPublic.of(rows, cursor)


@router.post("", operation_id="credential_sets_create", response_model=CredentialSetPublic,
             status_code=201, responses=WRITE)
async def create_credential_set(body: CredentialSetCreate, session: SessionDep,
                                principal: CredentialsManage,
                                settings: SettingsDep) -> CredentialSetPublic:
    """Add an SNMP v2c, SNMPv3 or SSH credential set (secrets are sealed, never shown)."""
    row = await CredentialSetService(session, principal, settings).create(body)
    return CredentialSetPublic.model_validate(row)


@router.get("/{set_id}", operation_id="credential_sets_get", response_model=CredentialSetPublic,
            responses=ONE)
async def get_credential_set(set_id: uuid.UUID, session: SessionDep,
                             principal: CredentialsRead,
                             settings: SettingsDep) -> CredentialSetPublic:
    """One credential set (which secrets are set, never their values)."""
    row = await CredentialSetService(session, principal, settings).get(set_id)
    return CredentialSetPublic.model_validate(row)


@router.patch("/{set_id}", operation_id="credential_sets_update",
              response_model=CredentialSetPublic, responses=ONE)
async def update_credential_set(set_id: uuid.UUID, body: CredentialSetUpdate,
                                session: SessionDep, principal: CredentialsManage,
                                settings: SettingsDep) -> CredentialSetPublic:
    """Rename, re-bind or change a set; a secret field given replaces that secret
    (rotation). The agents whose devices use the set receive it with their next config."""
    row = await CredentialSetService(session, principal, settings).update(set_id, body)
    return CredentialSetPublic.model_validate(row)


@router.delete("/{set_id}", operation_id="credential_sets_delete", status_code=204,
               responses=ONE)
async def delete_credential_set(set_id: uuid.UUID, session: SessionDep,
                                principal: CredentialsManage, settings: SettingsDep) -> Response:
    """Delete a set no device uses (409 naming the devices otherwise)."""
    await CredentialSetService(session, principal, settings).delete(set_id)
    return Response(status_code=204)
