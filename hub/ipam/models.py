"""IPAM tables: prefixes, address pools and their allocations, VLAN pools and theirs.

Every pool is a row of numbered *slots* (0 .. size-1): an IPv4 address, an IPv6 prefix of the
pool's assignment length, or a VLAN tag (QinQ: an S-VLAN/C-VLAN pair). An allocation row holds
one slot. A slot is taken while its row is not `released`; a partial unique index on
(pool_id, slot) over those rows is what makes a double allocation impossible, whatever process
writes (docs/ipam.md, "Concurrency"). Slots are small integers (BigInteger on both back-ends:
SQLite has no 128-bit integer, and a pool's slot count is capped at 2**62), the address text is
kept beside it for display and look-ups, and prefixes carry fixed-width hex bounds
(32 hex digits) that sort and compare as strings on both back-ends.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime

# Allocation states. `quarantined` rows still hold their slot until quarantine_until.
ALLOCATED, RESERVED, QUARANTINED, RELEASED = "allocated", "reserved", "quarantined", "released"
HOLDS_SLOT = "state <> 'released'"  # the predicate of the partial unique indexes
BOUND = "state = 'allocated'"


def _pool_fk(table: str) -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, ForeignKey(f"{table}.id", ondelete="CASCADE"))


class IpPrefix(TenantOwned, Base):
    """A routed block of one site (IPv4 or IPv6); blocks of one tenant never overlap."""

    __tablename__ = "ipam_prefixes"
    __table_args__ = (UniqueConstraint("tenant_id", "prefix"),
                      Index("ix_ipam_prefixes_span", "tenant_id", "family", "first_key"))

    site_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="RESTRICT"), index=True)
    prefix: Mapped[str] = mapped_column(String(49))  # canonical "10.0.0.0/16"
    family: Mapped[int] = mapped_column(Integer)  # 4 | 6
    first_key: Mapped[str] = mapped_column(String(32))  # network address, 32 hex digits
    last_key: Mapped[str] = mapped_column(String(32))  # last address, 32 hex digits
    description: Mapped[str] = mapped_column(String(500), default="")


class IpPool(TenantOwned, Base):
    """A range of a prefix handed out in assignments of `assign_length` bits."""

    __tablename__ = "ipam_pools"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    prefix_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("ipam_prefixes.id", ondelete="RESTRICT"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # the prefix's site
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # static | dynamic | delegated
    family: Mapped[int] = mapped_column(Integer)
    assign_length: Mapped[int] = mapped_column(Integer)  # 32 for IPv4; /64, /56... for IPv6
    range_start: Mapped[str] = mapped_column(String(45))  # first address of slot 0
    range_end: Mapped[str] = mapped_column(String(45))  # last address of the last slot
    size: Mapped[int] = mapped_column(BigInteger)  # number of slots
    gateway: Mapped[str | None] = mapped_column(String(45), nullable=True)
    description: Mapped[str] = mapped_column(String(500), default="")


class IpAllocation(TenantOwned, Base):
    """One slot of a pool: bound to a subscription, reserved, quarantined or released.

    A dynamic pool's allocation has no slot: the subscription draws from the pool, and the
    NAS picks the address (Framed-Pool).
    """

    __tablename__ = "ipam_allocations"
    __table_args__ = (
        Index("uq_ipam_allocations_slot", "pool_id", "slot", unique=True,
              postgresql_where=text(HOLDS_SLOT), sqlite_where=text(HOLDS_SLOT)),
        Index("uq_ipam_allocations_subscription", "pool_id", "subscription_id", unique=True,
              postgresql_where=text(BOUND), sqlite_where=text(BOUND)),
        Index("ix_ipam_allocations_subscription", "tenant_id", "subscription_id"),
        Index("ix_ipam_allocations_quarantine", "tenant_id", "state", "quarantine_until"),
    )

    pool_id: Mapped[uuid.UUID] = _pool_fk("ipam_pools")
    slot: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    address: Mapped[str | None] = mapped_column(String(49), nullable=True)  # text or prefix
    state: Mapped[str] = mapped_column(String(12))
    # By id only: billing is a layer above ipam (docs/ipam.md, "Subscriptions").
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    note: Mapped[str] = mapped_column(String(255), default="")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    quarantine_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class VlanPool(TenantOwned, Base):
    """VLAN tags of one site: single tags, or QinQ S-VLAN x C-VLAN pairs."""

    __tablename__ = "ipam_vlan_pools"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    site_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(8))  # single | qinq
    first_tag: Mapped[int] = mapped_column(Integer)  # VLAN (single) or S-VLAN (qinq) range
    last_tag: Mapped[int] = mapped_column(Integer)
    inner_first: Mapped[int | None] = mapped_column(Integer, nullable=True)  # C-VLAN range
    inner_last: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reserved: Mapped[list[int]] = mapped_column(JSON, default=list)  # outer tags never given
    size: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(500), default="")


class VlanAllocation(TenantOwned, Base):
    """One tag (or S/C pair) of a VLAN pool bound to a subscription, reserved or released."""

    __tablename__ = "ipam_vlan_allocations"
    __table_args__ = (
        Index("uq_ipam_vlan_allocations_slot", "pool_id", "slot", unique=True,
              postgresql_where=text(HOLDS_SLOT), sqlite_where=text(HOLDS_SLOT)),
        Index("uq_ipam_vlan_allocations_subscription", "pool_id", "subscription_id",
              unique=True, postgresql_where=text(BOUND), sqlite_where=text(BOUND)),
        Index("ix_ipam_vlan_allocations_subscription", "tenant_id", "subscription_id"),
    )

    pool_id: Mapped[uuid.UUID] = _pool_fk("ipam_vlan_pools")
    slot: Mapped[int] = mapped_column(BigInteger)
    tag: Mapped[int] = mapped_column(Integer)  # VLAN or S-VLAN
    inner_tag: Mapped[int | None] = mapped_column(Integer, nullable=True)  # C-VLAN (qinq)
    state: Mapped[str] = mapped_column(String(12))
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    note: Mapped[str] = mapped_column(String(255), default="")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
