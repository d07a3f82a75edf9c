"""Event outbox, webhook endpoints and one delivery row per (event, endpoint)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow


class OutboxEvent(TenantOwned, Base):
    """A business event, written in the transaction of the change it describes."""

    __tablename__ = "event_outbox"

    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once the worker has created the deliveries of every matching endpoint.
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True,
                                                           index=True)


class WebhookEndpoint(TenantOwned, Base):
    """A receiver URL of one tenant, the event types it wants and its signing secret."""

    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(String(2000))
    # Encrypted with DOTMAC_HUB_SECRET_KEY (hub.events.signing); shown once at creation.
    secret_encrypted: Mapped[str] = mapped_column(Text)
    event_types: Mapped[list[str]] = mapped_column(JSON)  # ["*"] = every type
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    # "standard" (Standard Webhooks) or "legacy" (`v1=`+hex, deprecated): hub.events.signing.
    # Endpoints made before the standard scheme existed were migrated as "legacy" (0018).
    signature_scheme: Mapped[str] = mapped_column(String(12), default="standard",
                                                  server_default="standard")


class WebhookDelivery(TenantOwned, Base):
    """One event to one endpoint; its id is the `Webhook-Id` the receiver dedupes on."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("event_id", "endpoint_id"),)

    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("event_outbox.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    # pending (never tried) | failed (retrying) | delivered | dead (attempts exhausted)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
