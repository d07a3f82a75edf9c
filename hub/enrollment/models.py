"""Enrollment token table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime


class EnrollmentToken(TenantOwned, Base):
    """A one-time, expiring credential that turns a POP box into an agent of a site.

    Stored as SHA-256 only; `used_at` is set by the one request that claims it, and
    `agent_id` then names the agent it created (which tells revocation to clean the broker).
    """

    __tablename__ = "enrollment_tokens"

    site_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agent_name: Mapped[str | None] = mapped_column(String(63), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    used_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    agent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("agents.id", ondelete="SET NULL"), nullable=True, index=True)
