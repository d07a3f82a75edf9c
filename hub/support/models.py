"""Ticket tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime


class Ticket(TenantOwned, Base):
    """A support case of one customer, optionally about a subscription or a device."""

    __tablename__ = "support_tickets"

    customer_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("billing_customers.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("billing_subscriptions.id", ondelete="SET NULL"), nullable=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("devices.id", ondelete="SET NULL"), nullable=True)
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|pending|resolved|closed
    priority: Mapped[str] = mapped_column(String(8), default="normal")  # low|normal|high|urgent
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    opened_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    opened_by_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TicketComment(TenantOwned, Base):
    """One message on a ticket, by staff or by the customer."""

    __tablename__ = "support_ticket_comments"

    ticket_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("support_tickets.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    by_staff: Mapped[bool] = mapped_column(Boolean, default=True)
    body: Mapped[str] = mapped_column(Text)
