"""Webhook endpoint and delivery bodies (`XCreate`, `XUpdate`, `XPublic`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.events.signing import SignatureScheme
from hub.pagination import Page

EventTypes = Field(min_length=1, max_length=50, examples=[["invoice.finalized",
                                                           "payment.received"]],
                   description='event types to receive, or ["*"] for all of them')
SCHEME_DOC = ('how deliveries are signed: "standard" (Standard Webhooks: `webhook-signature: '
              'v1,<base64>`) or "legacy" (`v1=`+hex, deprecated: for receivers built before '
              'the standard scheme); docs/webhooks.md')


class EndpointCreate(BaseModel):
    """A new receiver; the answer carries its signing secret, shown this once."""

    url: str = Field(min_length=1, max_length=2000, examples=["https://portal.example/hooks"])
    event_types: list[str] = EventTypes
    description: str = Field("", max_length=500)
    active: bool = True
    signature_scheme: SignatureScheme = Field("standard", description=SCHEME_DOC)


class EndpointUpdate(BaseModel):
    """Fields to change (others are kept)."""

    url: str | None = Field(None, min_length=1, max_length=2000)
    event_types: list[str] | None = Field(None, min_length=1, max_length=50)
    description: str | None = Field(None, max_length=500)
    active: bool | None = None
    signature_scheme: SignatureScheme | None = Field(None, description=SCHEME_DOC)


class EndpointPublic(BaseModel):
    """A receiver (its secret is never shown again after creation or rotation)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    event_types: list[str]
    active: bool
    description: str
    signature_scheme: SignatureScheme = Field(description=SCHEME_DOC)
    created_at: datetime


class EndpointWithSecret(EndpointPublic):
    """A receiver with its signing secret: store it now, it is not shown again."""

    secret: str = Field(examples=["whsec_3q2-7Yp..."])


class DeliveryPublic(BaseModel):
    """One event sent (or to be sent) to one endpoint; `id` is the `Webhook-Id` header."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    endpoint_id: uuid.UUID
    status: Literal["pending", "delivered", "failed", "dead"]
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


EndpointsPublic = Page[EndpointPublic]
DeliveriesPublic = Page[DeliveryPublic]
