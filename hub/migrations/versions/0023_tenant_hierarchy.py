"""tenants: platform owner, ISPs and resellers (issue #20)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 12:00:00.000000

Tenants get a kind (platform | isp | reseller), a parent (an ISP's is the platform, a
reseller's its ISP) and a suspension time. Every existing tenant becomes an ISP with no
parent: `dotmac-hub platform bootstrap` later creates the platform and adopts them. At most
one platform tenant exists (a partial unique index).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLATFORM = "kind = 'platform'"


def upgrade() -> None:
    """Add kind, parent and suspension; existing tenants are ISPs."""
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), server_default="isp",
                                   nullable=False))
        batch.add_column(sa.Column("parent_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_tenants_parent_id_tenants", "tenants", ["parent_id"],
                                 ["id"], ondelete="RESTRICT")
        batch.create_index("ix_tenants_parent_id", ["parent_id"])
    op.create_index("uq_tenants_one_platform", "tenants", ["kind"], unique=True,
                    postgresql_where=sa.text(_PLATFORM), sqlite_where=sa.text(_PLATFORM))


def downgrade() -> None:
    """Drop them (the platform tenant and resellers stay, as plain tenants)."""
    op.drop_index("uq_tenants_one_platform", table_name="tenants")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_index("ix_tenants_parent_id")
        batch.drop_constraint("fk_tenants_parent_id_tenants", type_="foreignkey")
        for column in ("suspended_at", "parent_id", "kind"):
            batch.drop_column(column)
