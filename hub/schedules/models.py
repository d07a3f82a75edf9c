"""Schedules and their runs.

One schedule per tenant and kind (`billing.run`, `billing.dunning`, `retention.device_events`,
...): a cron in an IANA time zone, params, and the next due time in UTC. A run is one due
time of one schedule: UNIQUE(schedule_id, due_at) is the exactly-once guarantee, so the
process that inserts the row owns the due time and every other one gets a conflict.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow

# pending: asked for (run now), not started; running: claimed, lease held by `claimed_by`;
# retrying: failed, tried again at `next_attempt_at`; succeeded; failed: out of attempts;
# abandoned: its claimer died once too often (out of attempts as well).
RUN_STATUSES = ("pending", "running", "retrying", "succeeded", "failed", "abandoned")
FAILED_FOR_GOOD = ("failed", "abandoned")
FINISHED = ("succeeded", *FAILED_FOR_GOOD)


class Schedule(TenantOwned, Base):
    """When one kind of task runs for one tenant."""

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", name="uq_schedules_tenant_kind"),
                      Index("ix_schedules_due", "enabled", "next_due_at"))

    kind: Mapped[str] = mapped_column(String(64))
    cron: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ScheduleRun(TenantOwned, Base):
    """One due time of one schedule, and what became of it."""

    __tablename__ = "schedule_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "due_at", name="uq_schedule_runs_due"),
                      Index("ix_schedule_runs_status", "status", "next_attempt_at"))

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("schedules.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)  # POST /schedules/{id}/run
    status: Mapped[str] = mapped_column(String(12))
    attempt: Mapped[int] = mapped_column(Integer, default=0)  # starts so far
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True)  # host:pid
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    summary: Mapped[str] = mapped_column(String(300), default="")
