"""The credential_sets table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow


class CredentialSet(TenantOwned, Base):
    """SNMP v2c, SNMPv3 or SSH credentials devices refer to.

    `public` holds what may be shown (SNMPv3 user and protocols, SSH username); `sealed` is
    the AES-GCM sealed JSON of the secrets (community, keys, password, private key, enable
    secret) under DOTMAC_HUB_SECRET_KEY, never returned by the API.
    """

    __tablename__ = "credential_sets"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    site_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("sites.id", ondelete="RESTRICT"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # snmp_v2c | snmp_v3 | ssh
    public: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    sealed: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
