"""Identity request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.identity.passwords import MIN_PASSWORD_LENGTH
from hub.pagination import Page
from hub.permissions import PERMISSIONS, Role

# Deliberately loose: the mailbox is proven by the operator, not by a regex.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Password = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256, examples=["correct horse battery"])


class LoginRequest(BaseModel):
    """Email and password of a user."""

    email: str = Field(min_length=3, max_length=254, examples=["noc@fibernet.example"])
    password: str = Field(min_length=1, max_length=256, examples=["correct horse battery"])


class RefreshRequest(BaseModel):
    """A refresh token obtained from login or from the previous refresh."""

    refresh_token: str = Field(min_length=1, max_length=256, examples=["dmr_3q2x..."])


class TokenPair(BaseModel):
    """An access JWT and the refresh token that replaces it when it expires."""

    access_token: str = Field(examples=["eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9..."])
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int = Field(examples=[600], description="access token lifetime, seconds")
    refresh_token: str = Field(examples=["dmr_3q2x..."])
    refresh_expires_in: int = Field(examples=[2592000])


class PrincipalPublic(BaseModel):
    """Who the credentials belong to and what they allow."""

    kind: Literal["user", "api_key"]
    id: uuid.UUID
    tenant_id: uuid.UUID
    roles: list[str]
    permissions: list[str]


class UserCreate(BaseModel):
    """A new user; `customer_id` is required for (and only for) the customer role."""

    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN, examples=["tech@fibernet.example"])
    full_name: str = Field("", max_length=200, examples=["Sam Field"])
    password: str = Password
    role: Role = Field(examples=[Role.FIELD_TECH])
    customer_id: uuid.UUID | None = None


class UserUpdate(BaseModel):
    """Changes to a user; a role change is audited."""

    model_config = ConfigDict(extra="forbid")
    full_name: str | None = Field(None, max_length=200)
    role: Role | None = None
    customer_id: uuid.UUID | None = None
    password: str | None = Field(None, min_length=MIN_PASSWORD_LENGTH, max_length=256)


class UserPublic(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    customer_id: uuid.UUID | None
    is_active: bool
    created_at: datetime


class UsersPublic(Page[UserPublic]):
    """A page of users."""


class ApiKeyCreate(BaseModel):
    """A new API key; scopes must be permissions the creator holds."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, examples=["billing portal"])
    scopes: list[str] = Field(min_length=1, max_length=len(PERMISSIONS),
                              examples=[["devices:read", "sites:read"]])
    expires_at: datetime | None = Field(None, description="no expiry when null")

    @field_validator("scopes")
    @classmethod
    def _known_scopes(cls, scopes: list[str]) -> list[str]:
        unknown = sorted(set(scopes) - set(PERMISSIONS))
        if unknown:
            raise ValueError(f"unknown permission(s) {unknown}; see docs/permissions.md")
        return sorted(set(scopes))

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("expires_at needs a timezone (e.g. 2030-01-01T00:00:00Z)")
        return value


class ApiKeyPublic(BaseModel):
    """An API key's metadata (the secret is shown only once, at creation)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    prefix: str = Field(examples=["k7Qp2mXa9LcD"])
    scopes: list[str]
    created_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    """The new key, including the secret `key` (store it now; it cannot be shown again)."""

    key: str = Field(examples=["dmk_k7Qp2mXa9LcD_Vb0..."])


class ApiKeysPublic(Page[ApiKeyPublic]):
    """A page of API keys."""
