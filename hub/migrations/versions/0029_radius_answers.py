"""subscriber access: materialized RADIUS answers for FreeRADIUS sql (issue #19)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 12:00:00.000000

`radius_answers`: the hub's answer per subscription, NAS vendor and login key, one row per
attribute (hub.access.answers writes it). FreeRADIUS reads it with one index look-up per
query: tenant and vendor come from the NAS's entry in clients.conf (`dotmac_tenant`,
`nas_type`, written from the NAS registry), so a NAS of another tenant finds nothing;
FreeRADIUS's read-only role gets SELECT on the columns it reads only (docs/radius.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    """The table and the index FreeRADIUS's queries look up."""
    op.create_table(
        "radius_answers",
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("vendor", sa.String(length=16), nullable=False),
        sa.Column("lookup", sa.String(length=8), nullable=False),
        sa.Column("lookup_key", sa.String(length=512), nullable=False),
        sa.Column("remote_id", sa.String(length=512), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attribute", sa.String(length=64), nullable=False),
        sa.Column("op", sa.String(length=2), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_radius_answers_tenant_id_tenants"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["subscription_id"], ["billing_subscriptions.id"],
            name=op.f("fk_radius_answers_subscription_id_billing_subscriptions"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_radius_answers")),
    )
    op.create_index(op.f("ix_radius_answers_tenant_id"), "radius_answers", ["tenant_id"])
    op.create_index(op.f("ix_radius_answers_subscription_id"), "radius_answers",
                    ["subscription_id"])
    # exactly FreeRADIUS's two queries (mods-enabled/sql): equality on every column but the
    # last, which gives the rows in answer order
    op.create_index("ix_radius_answers_lookup", "radius_answers",
                    ["tenant_id", "vendor", "lookup", "lookup_key", "kind", "position"])


def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_radius_answers_lookup", table_name="radius_answers")
    op.drop_index(op.f("ix_radius_answers_subscription_id"), table_name="radius_answers")
    op.drop_index(op.f("ix_radius_answers_tenant_id"), table_name="radius_answers")
    op.drop_table("radius_answers")
