"""Tables of subscriber access: the NAS registry and subscriber credentials.

RADIUS knows a NAS only by the source address of its packets, so a NAS address is unique
over the whole hub (not per tenant): the tenant of a request comes from the NAS registry,
never from text inside the request. A PPPoE username is unique hub-wide for the same reason.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow

NAS_VENDORS = ("mikrotik", "cisco", "juniper", "huawei", "accel_ppp", "generic")
# RFC 2865: an attribute value holds at most 253 octets.
USERNAME_MAX_BYTES = 253


class Nas(TenantOwned, Base):
    """A BNG / NAS that asks FreeRADIUS about subscribers (one row per source address)."""

    __tablename__ = "access_nas"

    site_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # canonical IP text (ipaddress.ip_address(...).compressed), unique over the whole hub
    address: Mapped[str] = mapped_column(String(45), unique=True)
    # RADIUS shared secret, AES-GCM with DOTMAC_HUB_SECRET_KEY; never returned by the API
    secret_encrypted: Mapped[str] = mapped_column(String(512))
    vendor: Mapped[str] = mapped_column(String(16))  # one of NAS_VENDORS
    coa_port: Mapped[int] = mapped_column(Integer, default=3799)


class SubscriberCredential(TenantOwned, Base):
    """How one subscription logs in: PPPoE username/password, or IPoE MAC / option 82."""

    __tablename__ = "access_credentials"

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("billing_subscriptions.id", ondelete="CASCADE"), unique=True)
    # the RADIUS User-Name; for IPoE the NAS sends the MAC or circuit id as User-Name
    username: Mapped[str] = mapped_column(String(253), unique=True)
    # reversible (AES-GCM with the hub key): CHAP needs the clear text (docs/radius.md)
    password_encrypted: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    mac: Mapped[str | None] = mapped_column(String(17), nullable=True, unique=True)
    circuit_id: Mapped[str | None] = mapped_column(String(253), nullable=True)
    remote_id: Mapped[str | None] = mapped_column(String(253), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RadiusAnswer(TenantOwned, Base):
    """One attribute of a subscriber's materialized RADIUS answer, for FreeRADIUS's `sql`
    backend (docs/radius.md): the hub decides with the same builder that answers the rest
    module (hub.access.answers) and writes the result here, one row set per NAS vendor and
    login key; FreeRADIUS finds a row set with one look-up of ix_radius_answers_lookup, tenant
    and vendor taken from the NAS's clients.conf entry (docs/radius.md). Rows exist only
    while the sql backend is on (they hold the PPPoE password in clear: CHAP needs it)."""

    __tablename__ = "radius_answers"
    __table_args__ = (Index("ix_radius_answers_lookup", "tenant_id", "vendor", "lookup",
                            "lookup_key", "kind", "position"),)

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("billing_subscriptions.id", ondelete="CASCADE"), index=True)
    vendor: Mapped[str] = mapped_column(String(16))  # one of NAS_VENDORS
    # how a request finds it: user (User-Name), mac (12 hex digits), circuit (0x-hex)
    lookup: Mapped[str] = mapped_column(String(8))
    lookup_key: Mapped[str] = mapped_column(String(512))
    remote_id: Mapped[str | None] = mapped_column(String(512), nullable=True)  # 0x-hex
    kind: Mapped[str] = mapped_column(String(8))  # check | reply
    position: Mapped[int] = mapped_column(Integer)
    attribute: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(2))
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
