"""Tables of billing documents: the tenant's billing profile, the issued PDFs, their mail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow


class BillingProfile(TenantOwned, Base):
    """Who issues the tenant's invoices: printed on every document rendered after a change."""

    __tablename__ = "billing_profiles"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    legal_name: Mapped[str] = mapped_column(String(200), default="")
    address_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    tax_id: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(254), default="")  # Reply-To of invoice mail
    payment_details: Mapped[str] = mapped_column(Text, default="")  # e.g. bank account
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    logo_type: Mapped[str | None] = mapped_column(String(16), nullable=True)  # image/png...
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvoiceDocument(TenantOwned, Base):
    """The PDF of a finalized invoice or credit note, rendered once at finalization."""

    __tablename__ = "billing_invoice_documents"
    __table_args__ = (UniqueConstraint("invoice_id"),)

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("billing_invoices.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # invoice | credit_note
    filename: Mapped[str] = mapped_column(String(128))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)


class DocumentMail(TenantOwned, Base):
    """An issued document owed to the customer by e-mail (an outbox row the mailer sends)."""

    __tablename__ = "billing_document_mails"
    __table_args__ = (UniqueConstraint("document_id", "recipient"),
                      Index("ix_billing_document_mails_due", "status", "next_attempt_at"))

    document_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("billing_invoice_documents.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
