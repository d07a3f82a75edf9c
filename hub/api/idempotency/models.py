"""The table behind `Idempotency-Key`: one row per key of one caller (tenant + credential)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, new_id, utcnow


class IdempotencyRecord(Base):
    """A key's first request and, once it finished, its response.

    `pending` rows (no `status_code` yet) belong to the attempt holding `token`; another
    attempt may take the row over only once `locked_at` is older than the lease (the process
    that claimed it died). The response body is stored sealed (AES-GCM under a key derived
    from DOTMAC_HUB_SECRET_KEY): some answers carry a secret shown once, an API key or a
    webhook secret, and a database dump must not reveal them.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "principal", "key",
                                       name="uq_idempotency_keys_scope"),
                      Index("ix_idempotency_keys_created_at", "created_at"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"))
    # The credential inside the tenant: `user:<id>` or `api_key:<id>`.
    principal: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 (hex) of method, path and the canonical body of the first request.
    fingerprint: Mapped[str] = mapped_column(String(64))
    token: Mapped[uuid.UUID] = mapped_column(Uuid)  # the attempt that holds the row
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_headers: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
