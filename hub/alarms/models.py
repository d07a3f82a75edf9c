"""Alarm tables: device events, alarms and their history, rule overrides, maintenance
windows, notification policies and deliveries, and the sites a field tech is limited to.

`alarms` carries one partial unique index: one alarm per (tenant, dedupe_key) that is not
closed. It is what keeps two hub processes raising the same condition at once from making
two alarms (the loser of the race re-reads and touches the winner's row).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow

# States an alarm moves through; "closed" rows are history and free the dedupe key.
STATES = ("raised", "acknowledged", "cleared", "closed")
OPEN_STATES = ("raised", "acknowledged", "cleared")
SEVERITIES = ("critical", "major", "minor", "warning", "info")
ORIGINS = ("event", "telemetry", "agent", "hub")

OPEN_ALARM = "state <> 'closed'"


def _set_null(table: str) -> Mapped[uuid.UUID | None]:
    return mapped_column(Uuid, ForeignKey(f"{table}.id", ondelete="SET NULL"), nullable=True,
                         index=True)


class DeviceEvent(TenantOwned, Base):
    """One trap or syslog line an agent mapped to an event (stored whether it alarms or not).

    No foreign keys: this is a log, written at event rate, kept after its device is gone."""

    __tablename__ = "device_events"
    __table_args__ = (UniqueConstraint("tenant_id", "event_id"),
                      Index("ix_device_events_received", "tenant_id", "received_at"))

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the agent's, unique per tenant
    agent_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    device_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    source: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))  # snmp_trap | syslog
    event_type: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    raw: Mapped[str] = mapped_column(Text, default="")
    rule: Mapped[str | None] = mapped_column(String(128), nullable=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    device_time: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)  # agent clock
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Alarm(TenantOwned, Base):
    """One condition that is (or was) true: raised, acknowledged, cleared, closed."""

    __tablename__ = "alarms"
    __table_args__ = (
        Index("uq_alarms_open_dedupe_key", "tenant_id", "dedupe_key", unique=True,
              postgresql_where=text(OPEN_ALARM), sqlite_where=text(OPEN_ALARM)),
        Index("ix_alarms_tenant_state", "tenant_id", "state", "last_change_at"),
        Index("ix_alarms_tenant_rule", "tenant_id", "rule", "state"),
    )

    rule: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    alarm_type: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12), default="raised")
    site_id: Mapped[uuid.UUID | None] = _set_null("sites")
    agent_id: Mapped[uuid.UUID | None] = _set_null("agents")
    device_id: Mapped[uuid.UUID | None] = _set_null("devices")
    device_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    if_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subject: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    origin: Mapped[str] = mapped_column(String(16))
    first_raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    raised_count: Mapped[int] = mapped_column(Integer, default=1)
    last_change_at: Mapped[datetime] = mapped_column(UTCDateTime)
    flapping: Mapped[bool] = mapped_column(Boolean, default=False)
    flap_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cleared_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    shelved_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    shelved_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    in_maintenance: Mapped[bool] = mapped_column(Boolean, default=False)
    suppressed_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("alarms.id", ondelete="SET NULL"), nullable=True, index=True)
    impacts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("support_tickets.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlarmHistory(TenantOwned, Base):
    """One step in an alarm's life: who did what, when (actor "system" for the hub)."""

    __tablename__ = "alarm_history"

    alarm_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("alarms.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(255), default="system")
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AlarmRuleOverride(TenantOwned, Base):
    """A tenant's change to one shipped rule (None: keep the default)."""

    __tablename__ = "alarm_rule_overrides"
    __table_args__ = (UniqueConstraint("tenant_id", "rule"),)

    rule: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    severity: Mapped[str | None] = mapped_column(String(8), nullable=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_by: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MaintenanceWindow(TenantOwned, Base):
    """A time during which a device or a whole site raises alarms quietly (no notifications)."""

    __tablename__ = "maintenance_windows"
    __table_args__ = (CheckConstraint("site_id IS NOT NULL OR device_id IS NOT NULL",
                                      name="target"),)

    site_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="CASCADE"), nullable=True, index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("devices.id", ondelete="CASCADE"), nullable=True, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(255), default="")


class NotificationPolicy(TenantOwned, Base):
    """Which alarms notify whom: filters (severity, sites, types, rules, time of day) and
    channels (the webhook outbox, e-mail), with escalation and clear messages."""

    __tablename__ = "notification_policies"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    min_severity: Mapped[str] = mapped_column(String(8), default="warning")
    site_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    alarm_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)
    time_from: Mapped[str | None] = mapped_column(String(5), nullable=True)
    time_to: Mapped[str | None] = mapped_column(String(5), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    webhook: Mapped[bool] = mapped_column(Boolean, default=True)
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    escalate_after_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    escalate_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    notify_clear: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlarmNotification(TenantOwned, Base):
    """One message owed for an alarm under a policy, on one channel to one target."""

    __tablename__ = "alarm_notifications"
    __table_args__ = (UniqueConstraint("alarm_id", "policy_id", "kind", "channel", "target"),
                      Index("ix_alarm_notifications_due", "status", "next_attempt_at"))

    alarm_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("alarms.id", ondelete="CASCADE"), index=True)
    policy_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("notification_policies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # raised|escalated|cleared|flapping
    channel: Mapped[str] = mapped_column(String(8))  # email|webhook
    target: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class UserSite(Base):
    """A site a user is limited to: a user with rows sees only those sites' alarms."""

    __tablename__ = "user_sites"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True, index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
