"""API key endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response

from hub.api.deps import RequirePermission, SessionDep
from hub.errors import error_docs
from hub.identity.api_keys.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    ApiKeysPublic,
)
from hub.identity.api_keys.service import ApiKeyService
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(prefix="/api-keys", tags=["api-keys"])
ApiKeysRead = Annotated[Principal, RequirePermission("api_keys:read")]
ApiKeysWrite = Annotated[Principal, RequirePermission("api_keys:write")]


@router.get("", operation_id="api_keys_list", response_model=ApiKeysPublic,
            responses=error_docs(401, 403, 422, 429))
async def list_api_keys(session: SessionDep, page: PageDep, principal: ApiKeysRead,
                        ) -> ApiKeysPublic:
    """API keys of the caller's tenant (never their secrets)."""
    rows, cursor = await ApiKeyService(session, principal).list(page)
    return ApiKeysPublic(data=[ApiKeyPublic.model_validate(r) for r in rows],
                         next_cursor=cursor)


@router.post("", operation_id="api_keys_create", response_model=ApiKeyCreated,
             status_code=201, responses=error_docs(401, 403, 422, 429))
async def create_api_key(body: ApiKeyCreate, session: SessionDep,
                         principal: ApiKeysWrite) -> ApiKeyCreated:
    """Issue a key. The `key` field is shown only in this response: store it now."""
    key, secret = await ApiKeyService(session, principal).issue(body)
    return ApiKeyCreated(**ApiKeyPublic.model_validate(key).model_dump(), key=secret)


@router.get("/{key_id}", operation_id="api_keys_get", response_model=ApiKeyPublic,
            responses=error_docs(401, 403, 404, 422, 429))
async def get_api_key(key_id: uuid.UUID, session: SessionDep,
                      principal: ApiKeysRead) -> ApiKeyPublic:
    """One key's metadata, including when it was last used."""
    return ApiKeyPublic.model_validate(await ApiKeyService(session, principal).get(key_id))


@router.delete("/{key_id}", operation_id="api_keys_revoke", status_code=204,
               responses=error_docs(401, 403, 404, 422, 429))
async def revoke_api_key(key_id: uuid.UUID, session: SessionDep,
                         principal: ApiKeysWrite) -> Response:
    """Revoke a key; requests using it answer 401 from now on."""
    await ApiKeyService(session, principal).revoke(key_id)
    return Response(status_code=204)
