"""Tenant table."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, IdMixin


class Tenant(IdMixin, Base):
    """An ISP operator or reseller."""

    __tablename__ = "tenants"

    name: Mapped[str] = mapped_column(String(200), unique=True)
