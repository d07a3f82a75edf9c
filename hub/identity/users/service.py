"""User rules: who may grant which role, customer binding, audited role changes."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.db import new_id
from hub.errors import ConflictError, ForbiddenError, InvalidRequestError
from hub.identity.models import User
from hub.identity.passwords import Passwords
from hub.identity.repository import SessionRepository, UserRepository
from hub.identity.session_cache import sessions_changed
from hub.identity.users.schemas import UserCreate, UserUpdate
from hub.pagination import PageParams
from hub.permissions import Role, can_grant
from hub.principal import Principal
from hub.repository import commit_or_conflict


def _check_customer_binding(role: Role, customer_id: uuid.UUID | None) -> None:
    if role is Role.CUSTOMER and customer_id is None:
        raise InvalidRequestError("customer_id: required for the customer role (the account the "
                             "portal user belongs to)")
    if role is not Role.CUSTOMER and customer_id is not None:
        raise InvalidRequestError(f"customer_id: only customer users are bound to an account, "
                             f"not {role.value}; drop it or use role customer")


class UserService:
    """User management inside the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 passwords: Passwords) -> None:
        self.session = session
        self.principal = principal
        self.passwords = passwords
        self.repo = UserRepository(session, principal.tenant_id)
        self.audit = AuditTrail(session, principal)

    def _may_grant(self, role: Role) -> None:
        if not can_grant(self.principal.permissions, role):
            raise ForbiddenError(f"role {role.value}: carries permissions you do not hold")

    async def list(self, params: PageParams) -> tuple[list[User], str | None]:
        """A page of users."""
        return await self.repo.page(params)

    async def get(self, user_id: uuid.UUID) -> User:
        """One user."""
        return await self.repo.get(user_id)

    async def create(self, data: UserCreate) -> User:
        """Add a user with a role the caller may grant."""
        self._may_grant(data.role)
        _check_customer_binding(data.role, data.customer_id)
        user = self.repo.add(User(
            id=new_id(), email=data.email.strip().lower(), full_name=data.full_name,
            role=data.role.value, customer_id=data.customer_id,
            password_hash=await self.passwords.hash(data.password)))
        self.audit.record("user.create", "user", user.id, role=data.role.value)
        await commit_or_conflict(self.session, f"email {user.email}: already registered")
        return user

    async def _guard_credentials(self, user: User, action: str,
                                 fields: tuple[str, ...]) -> None:
        """Refuse (and audit) a credential change on a user whose role the caller cannot grant.

        Whoever can set a user's password can sign in as them: an admin resetting the owner's
        password would own the tenant. Changing your own credentials is always allowed.
        """
        role = Role(user.role)
        if user.id == self.principal.id or can_grant(self.principal.permissions, role):
            return
        self.audit.record("user.change_refused", "user", user.id, change=action,
                          fields=list(fields), target_role=role.value, reason="higher_role")
        await self.session.commit()  # the refusal is evidence: keep it although nothing changes
        raise ForbiddenError(f"user {user.id}: is {role.value}, a role carrying permissions you "
                             f"do not hold, so you cannot change their {', '.join(fields)}; "
                             f"ask a user holding every permission of {role.value}")

    async def update(self, user_id: uuid.UUID, change: UserUpdate) -> User:
        """Change a user; role and password changes need grant rights over the user's role."""
        user = await self.repo.get(user_id)
        credentials = (("role",) if change.role not in (None, Role(user.role)) else ()) + (
            ("password",) if change.password is not None else ())
        if credentials:
            await self._guard_credentials(user, "update", credentials)
        role = Role(user.role)
        if change.role is not None and change.role is not role:
            self._may_grant(role)
            self._may_grant(change.role)
            self.audit.record("user.role_change", "user", user.id,
                              old=role.value, new=change.role.value)
            user.role, role = change.role.value, change.role
        if "customer_id" in change.model_fields_set:
            user.customer_id = change.customer_id
        _check_customer_binding(role, user.customer_id)
        if change.full_name is not None:
            user.full_name = change.full_name
        if change.password is not None:
            user.password_hash = await self.passwords.hash(change.password)
            await SessionRepository(self.session, user.tenant_id).revoke_for_user(
                user.id, "password_change")
            self.audit.record("user.password_change", "user", user.id)
        await self.session.commit()
        sessions_changed()  # a new role or password applies to live sessions at once
        return user

    async def deactivate(self, user_id: uuid.UUID) -> None:
        """Disable sign-in and end every session of a user (rows stay for the audit log)."""
        user = await self.repo.get(user_id)
        if user.id == self.principal.id:
            raise ConflictError("user: you cannot deactivate yourself; ask another admin")
        await self._guard_credentials(user, "deactivate", ("active",))
        user.is_active = False
        await SessionRepository(self.session, user.tenant_id).revoke_for_user(
            user.id, "deactivated")
        self.audit.record("user.deactivate", "user", user.id)
        await self.session.commit()
        sessions_changed()
