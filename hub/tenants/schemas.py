"""Tenant request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

TenantName = Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$",
                   examples=["Fibernet Amsterdam"])


class TenantCreate(BaseModel):
    """A new tenant (created by `dotmac-hub bootstrap`, not over the API)."""

    name: str = TenantName


class TenantUpdate(BaseModel):
    """Fields an owner may change."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = TenantName


class TenantPublic(BaseModel):
    """A tenant as the API shows it."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    created_at: datetime
