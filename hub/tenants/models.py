"""Tenant table: the platform, the ISPs under it and the resellers under each ISP."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, IdMixin, UTCDateTime


class TenantKind(StrEnum):
    """A tenant's level in the hierarchy: platform > isp > reseller (docs/tenants.md)."""

    PLATFORM = "platform"
    ISP = "isp"
    RESELLER = "reseller"


# The kind a new tenant gets under a parent of each kind; a reseller has nothing under it.
CHILD_KIND: dict[TenantKind, TenantKind] = {TenantKind.PLATFORM: TenantKind.ISP,
                                            TenantKind.ISP: TenantKind.RESELLER}


_PLATFORM = "kind = 'platform'"


class Tenant(IdMixin, Base):
    """An ISP operator, one of its resellers, or the hub's single platform tenant."""

    __tablename__ = "tenants"
    # At most one platform tenant per hub (a partial unique index, PostgreSQL and SQLite).
    __table_args__ = (Index("uq_tenants_one_platform", "kind", unique=True,
                            postgresql_where=text(_PLATFORM),
                            sqlite_where=text(_PLATFORM)),)

    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=TenantKind.ISP.value,
                                      server_default=TenantKind.ISP.value)
    # An ISP's parent is the platform (NULL before a platform exists); a reseller's its ISP.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), nullable=True, index=True)
    # Set while suspended: the tenant's (and its resellers') logins and API keys are refused.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
