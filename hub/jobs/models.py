"""Job, transition history and configuration version tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow

ACTIVE_STATES = ("dispatched", "running")
OPEN_STATES = ("queued", "dispatched", "running")
FINAL_STATES = ("succeeded", "failed", "rolled_back", "expired", "cancelled")


class ProvisioningJob(TenantOwned, Base):
    """One action on one device, requested once (idempotency key) and run at most once."""

    __tablename__ = "provisioning_jobs"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key"),
                      Index("ix_provisioning_jobs_device_state", "device_id", "state"))

    device_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("devices.id", ondelete="CASCADE"))
    agent_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    device_name: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    output: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class JobTransition(TenantOwned, Base):
    """One state change of a job: when, from, to, and who made it."""

    __tablename__ = "job_transitions"

    job_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("provisioning_jobs.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(500), default="")


class ConfigVersion(TenantOwned, Base):
    """A device's cleaned running configuration, stored only when its hash changed."""

    __tablename__ = "config_versions"
    __table_args__ = (UniqueConstraint("device_id", "version"),)

    device_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
