"""Tenant request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.identity.schemas import EMAIL_PATTERN, Password
from hub.pagination import Page
from hub.tenants.models import TenantKind

TenantName = Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$",
                   examples=["Fibernet Amsterdam"])


class TenantOwner(BaseModel):
    """The first user of a new tenant: its owner, who signs in with this e-mail."""

    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN, examples=["noc@fibernet.example"])
    full_name: str = Field("", max_length=200, examples=["Alex Owner"])
    password: str = Password


class TenantCreate(BaseModel):
    """A tenant beneath the caller's: the platform creates ISPs (or a reseller under one of
    its ISPs, named in `parent_id`); an ISP creates its resellers. A reseller creates none."""

    model_config = ConfigDict(extra="forbid")
    name: str = TenantName
    kind: Literal["isp", "reseller"] | None = Field(
        None, description="checked against the parent: an ISP sits under the platform, a "
        "reseller under an ISP (default: what the parent takes)")
    parent_id: uuid.UUID | None = Field(
        None, description="the tenant to create it under (default: the caller's tenant)")
    owner: TenantOwner


class TenantUpdate(BaseModel):
    """Fields an owner may change."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = TenantName


class TenantPublic(BaseModel):
    """A tenant as the API shows it."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    kind: TenantKind
    parent_id: uuid.UUID | None
    suspended_at: datetime | None
    created_at: datetime


class TenantCreated(TenantPublic):
    """A new tenant and the id of its owner (who can sign in at once)."""

    owner_id: uuid.UUID


class TenantsPublic(Page[TenantPublic]):
    """A page of tenants."""
