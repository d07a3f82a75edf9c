"""Sign-in bodies, and the field rules the users API shares (email, password)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from hub.identity.passwords import MIN_PASSWORD_LENGTH

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
