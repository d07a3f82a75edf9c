"""Tables of subscriber sessions (RADIUS accounting) and of CoA / Disconnect requests.

A session is one Acct-Session-Id on one NAS: the NAS picks the id, so it is unique per NAS,
not per tenant. Octet counters are stored as 64-bit totals (Gigawords folded in); usage for
billing is kept per subscription and UTC hour (`subscriber_usage_hours`), so a session that
spans a billing boundary is split at the hour its interims arrived in.

A `radius_actions` row is one CoA-Request or Disconnect-Request to one session on one NAS:
who asked and why, every attempt and the NAS's answer (`radius_action_events`, like a job's
transitions).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow

# Final states of a radius action; `requested` and `sending` are open.
ACTION_FINAL = ("acked", "nak", "timeout", "failed")


class SubscriberSession(TenantOwned, Base):
    """One subscriber session on one NAS, from Accounting Start to Stop (or stale close)."""

    __tablename__ = "subscriber_sessions"
    __table_args__ = (UniqueConstraint("nas_id", "acct_session_id"),
                      Index("ix_subscriber_sessions_open", "tenant_id", "stopped_at"))

    nas_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("access_nas.id", ondelete="CASCADE"), index=True)
    # None when the username matches no credential (still shown: who is on the NAS)
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("billing_subscriptions.id", ondelete="SET NULL"), index=True,
        nullable=True)
    username: Mapped[str] = mapped_column(String(253))
    acct_session_id: Mapped[str] = mapped_column(String(128))
    framed_ip_address: Mapped[str | None] = mapped_column(String(45), nullable=True)
    framed_ipv6_prefix: Mapped[str | None] = mapped_column(String(64), nullable=True)
    delegated_ipv6_prefix: Mapped[str | None] = mapped_column(String(64), nullable=True)
    calling_station_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    nas_port_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_update_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    terminate_cause: Mapped[str | None] = mapped_column(String(40), nullable=True)
    session_time_s: Mapped[int] = mapped_column(BigInteger, default=0)
    input_octets: Mapped[int] = mapped_column(BigInteger, default=0)
    output_octets: Mapped[int] = mapped_column(BigInteger, default=0)
    input_packets: Mapped[int] = mapped_column(BigInteger, default=0)
    output_packets: Mapped[int] = mapped_column(BigInteger, default=0)
    # times a counter went backwards within the session (a NAS reset; the maximum is kept)
    counter_resets: Mapped[int] = mapped_column(Integer, default=0)
    # Acct-Interim-Interval the NAS reported, when it did (else the hub's setting applies)
    interim_interval_s: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SessionUsageHour(Base):
    """Octets a subscription used in one UTC hour, summed over its sessions (GB caps)."""

    __tablename__ = "subscriber_usage_hours"

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("billing_subscriptions.id", ondelete="CASCADE"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    input_octets: Mapped[int] = mapped_column(BigInteger, default=0)
    output_octets: Mapped[int] = mapped_column(BigInteger, default=0)


class RadiusAction(TenantOwned, Base):
    """One CoA-Request or Disconnect-Request for one session, its attempts and answer."""

    __tablename__ = "radius_actions"
    __table_args__ = (Index("ix_radius_actions_status", "status"),)

    # the rows of one request (a billing transition, a support click) share request_id
    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(12))  # coa | disconnect
    # what asked: suspend | resume | change_speed | terminate | activate | support_disconnect
    action: Mapped[str] = mapped_column(String(24))
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("billing_subscriptions.id", ondelete="SET NULL"), index=True,
        nullable=True)
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("subscriber_sessions.id", ondelete="SET NULL"), index=True,
        nullable=True)
    nas_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("access_nas.id", ondelete="SET NULL"), nullable=True)
    # the billing NetworkAction row this serves (its outcome is copied there)
    network_action_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    requested_by: Mapped[str] = mapped_column(String(64))  # user:<id> | apikey:<id> | system
    reason: Mapped[str] = mapped_column(String(300), default="")
    # attributes sent, by name (never a secret: CoA carries no password)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # requested | sending | acked | nak | timeout | failed
    status: Mapped[str] = mapped_column(String(12), default="requested")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_cause: Mapped[int | None] = mapped_column(Integer, nullable=True)  # RFC 5176 3.6
    detail: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RadiusActionEvent(TenantOwned, Base):
    """One step of a radius action: each attempt, the NAS's answer, who moved it."""

    __tablename__ = "radius_action_events"

    action_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("radius_actions.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(300), default="")
