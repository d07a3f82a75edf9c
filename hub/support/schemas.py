"""Ticket request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.pagination import Page

Status = Literal["open", "pending", "resolved", "closed"]
Priority = Literal["low", "normal", "high", "urgent"]


class TicketCreate(BaseModel):
    """A new ticket; in the portal `customer_id` is ignored (the caller's own is used)."""

    customer_id: uuid.UUID | None = None
    subscription_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field("", max_length=20_000)
    priority: Priority = "normal"


class TicketUpdate(BaseModel):
    """Change status, priority or assignee."""

    status: Status | None = None
    priority: Priority | None = None
    assignee_id: uuid.UUID | None = None


class CommentCreate(BaseModel):
    """A message on a ticket."""

    body: str = Field(min_length=1, max_length=20_000)


class CommentPublic(BaseModel):
    """A ticket message."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    author_id: uuid.UUID | None
    by_staff: bool
    body: str
    created_at: datetime


class TicketPublic(BaseModel):
    """A ticket with its timestamps."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    customer_id: uuid.UUID
    subscription_id: uuid.UUID | None
    device_id: uuid.UUID | None
    subject: str
    status: str
    priority: str
    assignee_id: uuid.UUID | None
    opened_by_customer: bool
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    comments: list[CommentPublic] = Field(default_factory=list)


TicketsPublic = Page[TicketPublic]
