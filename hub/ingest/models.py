"""Tables written by ingest: dedupe, quarantine, observed inventory, health, rollups.

Rows are keyed by the registry's tenant id (never by anything a message says). Device
and interface rows are what agents *observed*; `hub.inventory.Device` stays the
operator's planned inventory.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, IdMixin, UTCDateTime, utcnow

# 2**64 - 1 needs 20 decimal digits; BIGINT stops at 2**63 - 1.
Counter64 = Numeric(20, 0)


class IngestSeen(Base):
    """(agent, channel, seq) already stored; the primary key is what makes two workers safe."""

    __tablename__ = "ingest_seen"

    agent_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    channel: Mapped[str] = mapped_column(String(24), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IngestHighWater(Base):
    """Highest stored seq per agent and channel; older than hwm - window is a replay."""

    __tablename__ = "ingest_hwm"

    agent_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    channel: Mapped[str] = mapped_column(String(24), primary_key=True)
    hwm: Mapped[int] = mapped_column(BigInteger)


class QuarantinedMessage(IdMixin, Base):
    """A message that can never be stored (undecodable, misaddressed), kept for inspection."""

    __tablename__ = "ingest_quarantine"

    topic: Mapped[str] = mapped_column(String(512))
    agent_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reason: Mapped[str] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    payload_size: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ObservedDevice(Base):
    """A device as its agent last reported it, with its availability state."""

    __tablename__ = "observed_devices"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device: Mapped[str] = mapped_column(String(128), primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    address: Mapped[str | None] = mapped_column(String(255), nullable=True)
    profile: Mapped[str | None] = mapped_column(String(128), nullable=True)
    facts: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(8), default="unknown")
    status_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_reason: Mapped[str | None] = mapped_column(String(128), nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ObservedInterface(Base):
    """An interface of an observed device (IF-MIB facts from Inventory messages)."""

    __tablename__ = "observed_interfaces"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device: Mapped[str] = mapped_column(String(128), primary_key=True)
    if_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    alias: Mapped[str] = mapped_column(String(256), default="")
    descr: Mapped[str] = mapped_column(String(256), default="")
    speed_bps: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    admin_status: Mapped[str] = mapped_column(String(16))
    oper_status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AvailabilityEvent(IdMixin, Base):
    """An up/down transition of an agent or a device (availability % is computed from these)."""

    __tablename__ = "availability_events"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subject_kind: Mapped[str] = mapped_column(String(8))  # agent | device
    subject: Mapped[str] = mapped_column(String(128), index=True)
    state: Mapped[str] = mapped_column(String(8))  # up | down
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str | None] = mapped_column(String(128), nullable=True)


class AgentHealthRow(Base):
    """The newest health report and online state of each agent."""

    __tablename__ = "agent_health"

    agent_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    agent_name: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(8), default="unknown")  # online | offline
    state_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    queue_depth: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    queue_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    oldest_queued_age_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    dropped_samples: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    devices_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    devices_failing: Mapped[int | None] = mapped_column(Integer, nullable=True)
    poll_p95_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    lag_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    health_ts: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Since protocol 1.3 (migration 0017): the agent's event receivers, since agent start.
    events_received: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    events_dropped: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class LatestValue(Base):
    """The newest value of each gauge series (CPU, memory, temperature, oper status...)."""

    __tablename__ = "latest_values"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device: Mapped[str] = mapped_column(String(128), primary_key=True)
    metric: Mapped[str] = mapped_column(String(128), primary_key=True)
    series: Mapped[str] = mapped_column(String(512), primary_key=True)  # sorted labels
    value: Mapped[float] = mapped_column(Float)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)


class CounterState(Base):
    """The previous raw reading of a rolled-up counter (survives restarts; shared by workers)."""

    __tablename__ = "counter_state"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device: Mapped[str] = mapped_column(String(128), primary_key=True)
    if_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Counter64)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    sys_uptime_ticks: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    discontinuity_ticks: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Time of the series' first reading (its baseline); None for series stored before
    # migration 0010, which then never take an earlier baseline.
    first_ts: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CounterHistory(Base):
    """Recent raw readings of rolled-up counters, so that a reading arriving after a later
    one can be spliced into its chain (`hub.ingest.rollup`): one row per device, poll time
    and storing transaction, its readings as JSON `[[ifIndex, metric, value, sysUpTime,
    discontinuity], ...]` (a row per reading cost as much as the counter state itself).
    Kept for DOTMAC_HUB_INGEST_REORDER_WINDOW_S after being stored, then pruned oldest
    first per device."""

    __tablename__ = "counter_history"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device: Mapped[str] = mapped_column(String(128), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    batch: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    readings: Mapped[str] = mapped_column(Text)


class InterfaceRollup(Base):
    """5-minute traffic per interface, aligned UTC buckets; billing (p95) reads this."""

    __tablename__ = "interface_rollup_5m"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device: Mapped[str] = mapped_column(String(128), primary_key=True)
    if_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    in_octets_delta: Mapped[Decimal] = mapped_column(Counter64, default=0)
    out_octets_delta: Mapped[Decimal] = mapped_column(Counter64, default=0)
    in_errors_delta: Mapped[Decimal] = mapped_column(Counter64, default=0)
    out_errors_delta: Mapped[Decimal] = mapped_column(Counter64, default=0)
    in_bps: Mapped[float] = mapped_column(Float, default=0.0)
    out_bps: Mapped[float] = mapped_column(Float, default=0.0)
    samples: Mapped[int] = mapped_column(Integer, default=0)
