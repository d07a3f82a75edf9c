"""Config state per agent, discoveries and their candidates."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, IdMixin, TenantOwned, UTCDateTime


class AgentConfigState(Base):
    """Desired, pushed and applied configuration version of one agent.

    `desired_*` move in the transaction that changed the inventory (hub.fleet.service);
    `pushed_*` when the pusher handed that version to the broker; `applied_*`, `acked_at`
    and `last_*` when the agent answered on up/config.
    """

    __tablename__ = "agent_config_state"

    agent_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    desired_version: Mapped[int] = mapped_column(BigInteger, default=0)
    desired_hash: Mapped[str] = mapped_column(String(64), default="")
    desired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    desired_devices: Mapped[int] = mapped_column(Integer, default=0)
    pushed_version: Mapped[int] = mapped_column(BigInteger, default=0)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    applied_version: Mapped[int] = mapped_column(BigInteger, default=0)
    applied_hash: Mapped[str] = mapped_column(String(64), default="")
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    last_error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_error_detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Discovery(TenantOwned, Base):
    """An SNMP sweep of a site's networks, run by one agent of that site."""

    __tablename__ = "discoveries"

    site_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    cidrs: Mapped[list[str]] = mapped_column(JSON, default=list)
    credential_set_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # How the agent sweeps (protocol.DiscoveryRequest's port, concurrency, timeout_s).
    port: Mapped[int] = mapped_column(Integer, default=161, server_default="161")
    concurrency: Mapped[int] = mapped_column(Integer, default=32, server_default="32")
    timeout_s: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|running|done|failed
    scanned: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DiscoveryCandidate(IdMixin, Base):
    """A host that answered during a discovery, and what it looks like."""

    __tablename__ = "discovery_candidates"
    __table_args__ = (UniqueConstraint("discovery_id", "address", "port"),)

    discovery_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("discoveries.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    address: Mapped[str] = mapped_column(String(64))
    port: Mapped[int] = mapped_column(Integer, default=161)
    credential_set_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    sys_name: Mapped[str | None] = mapped_column(String(256), nullable=True)
    sys_descr: Mapped[str | None] = mapped_column(Text, nullable=True)
    sys_object_id: Mapped[str | None] = mapped_column(String(512), nullable=True)
    profile: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str] = mapped_column(String(256), default="")
    vendor: Mapped[str | None] = mapped_column(String(256), nullable=True)
    model: Mapped[str | None] = mapped_column(String(256), nullable=True)
    serial: Mapped[str | None] = mapped_column(String(256), nullable=True)
    adopted_device_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("devices.id", ondelete="SET NULL"), nullable=True)
