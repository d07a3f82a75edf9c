"""User management endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response

from hub.api.deps import AuthKitDep, RequirePermission, SessionDep
from hub.errors import error_docs
from hub.identity.users.schemas import UserCreate, UserPublic, UsersPublic, UserUpdate
from hub.identity.users.service import UserService
from hub.pagination import PageDep
from hub.principal import Principal

router = APIRouter(prefix="/users", tags=["users"])
UsersRead = Annotated[Principal, RequirePermission("users:read")]
UsersWrite = Annotated[Principal, RequirePermission("users:write")]


@router.get("", operation_id="users_list", response_model=UsersPublic,
            responses=error_docs(401, 403, 422, 429))
async def list_users(session: SessionDep, kit: AuthKitDep, page: PageDep,
                     principal: UsersRead) -> UsersPublic:
    """Users of the caller's tenant."""
    rows, cursor = await UserService(session, principal, kit.passwords).list(page)
    return UsersPublic(data=[UserPublic.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("", operation_id="users_create", response_model=UserPublic, status_code=201,
             responses=error_docs(401, 403, 409, 422, 429))
async def create_user(body: UserCreate, session: SessionDep, kit: AuthKitDep,
                      principal: UsersWrite) -> UserPublic:
    """Add a user; you may only grant roles whose permissions you hold yourself."""
    return UserPublic.model_validate(
        await UserService(session, principal, kit.passwords).create(body))


@router.get("/{user_id}", operation_id="users_get", response_model=UserPublic,
            responses=error_docs(401, 403, 404, 422, 429))
async def get_user(user_id: uuid.UUID, session: SessionDep, kit: AuthKitDep,
                   principal: UsersRead) -> UserPublic:
    """One user."""
    return UserPublic.model_validate(
        await UserService(session, principal, kit.passwords).get(user_id))


@router.patch("/{user_id}", operation_id="users_update", response_model=UserPublic,
              responses=error_docs(401, 403, 404, 422, 429))
async def update_user(user_id: uuid.UUID, body: UserUpdate, session: SessionDep,
                      kit: AuthKitDep, principal: UsersWrite) -> UserPublic:
    """Change a user's name, role, customer binding or password (role changes are audited).

    A role or password change of a user whose role carries permissions you do not hold (an
    admin and the owner) is refused with 403 and audited as `user.change_refused`.
    """
    return UserPublic.model_validate(
        await UserService(session, principal, kit.passwords).update(user_id, body))


@router.delete("/{user_id}", operation_id="users_deactivate", status_code=204,
               responses=error_docs(401, 403, 404, 409, 422, 429))
async def deactivate_user(user_id: uuid.UUID, session: SessionDep, kit: AuthKitDep,
                          principal: UsersWrite) -> Response:
    """Deactivate a user and end their sessions (kept for the audit trail); refused (403,
    audited) for a user whose role carries permissions you do not hold."""
    await UserService(session, principal, kit.passwords).deactivate(user_id)
    return Response(status_code=204)
