"""Bodies of the users API."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hub.identity.passwords import MIN_PASSWORD_LENGTH
from hub.identity.schemas import EMAIL_PATTERN, Password
from hub.pagination import Page
from hub.permissions import Role


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
