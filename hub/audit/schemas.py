"""Audit event response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hub.pagination import Page


class AuditEventPublic(BaseModel):
    """One audit event."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    created_at: datetime
    action: str = Field(examples=["auth.login"])
    actor_type: str = Field(examples=["user"])
    actor_id: uuid.UUID | None
    target_type: str | None = Field(examples=["user"])
    target_id: uuid.UUID | None
    ip: str | None = Field(examples=["192.0.2.10"])
    detail: dict[str, Any]


class AuditEventsPublic(Page[AuditEventPublic]):
    """A page of audit events, oldest first."""
