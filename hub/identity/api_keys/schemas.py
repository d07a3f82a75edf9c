"""Bodies of the API keys API."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.pagination import Page
from hub.permissions import PERMISSIONS


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
