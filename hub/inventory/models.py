"""Site, agent and device tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime


class Site(TenantOwned, Base):
    """A point of presence: a rack or cabinet with an edge agent and network gear."""

    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),
                      CheckConstraint("walled_garden_vlan BETWEEN 1 AND 4094",
                                      name="walled_garden_vlan_range"))

    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500), default="")
    # where a walled_garden_vlan profile moves a suspended customer's port (migration 0031)
    walled_garden_vlan: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Agent(TenantOwned, Base):
    """An edge agent installed in a site (identity, broker access come with enrollment)."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    site_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Device(TenantOwned, Base):
    """A router, switch, OLT or radio in a site, polled by one agent of that site."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    site_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="RESTRICT"), index=True)
    agent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("agents.id", ondelete="RESTRICT"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    management_address: Mapped[str] = mapped_column(String(45))
    profile: Mapped[str] = mapped_column(String(64))  # a firmware_profiles folder name or auto
    # What the polling agent needs (pushed to it on cmd/config; issue #17).
    snmp_port: Mapped[int] = mapped_column(Integer, default=161, server_default="161")
    ssh_port: Mapped[int] = mapped_column(Integer, default=22, server_default="22")
    telemetry: Mapped[str] = mapped_column(String(8), default="snmp", server_default="snmp")
    interval_s: Mapped[float] = mapped_column(Float, default=60.0, server_default="60")
    timeout_s: Mapped[float] = mapped_column(Float, default=2.0, server_default="2")
    retries: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    maintenance: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    snmp_credential_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("credential_sets.id", ondelete="RESTRICT"), nullable=True, index=True)
    ssh_credential_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("credential_sets.id", ondelete="RESTRICT"), nullable=True, index=True)
    # More addresses the device sends traps/syslog from (loopbacks...), canonical IP text;
    # pushed to its agent, which maps those senders to this device (issue #18).
    event_sources: Mapped[list[str]] = mapped_column(JSON, default=list,
                                                     server_default=text("'[]'"))
