"""subscriber access: NAS registry and subscriber credentials (issue #19)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 12:00:00.000000

`access_nas` (one row per NAS source address, unique hub-wide, shared secret sealed with the
hub key), `access_credentials` (one per subscription: PPPoE username/password sealed so CHAP
works, IPoE MAC / option 82), and the plan's RADIUS answer for a suspended subscription
(`billing_plans.radius_suspended_action`: NULL follows the suspension's mode).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owned(table: str) -> list[sa.Column[object] | sa.Constraint]:
    """The id, creation time and tenant of a tenant-owned row (hub.db.TenantOwned)."""
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    """Create the two tables and the plan column."""
    op.create_table(
        "access_nas",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("secret_encrypted", sa.String(length=512), nullable=False),
        sa.Column("vendor", sa.String(length=16), nullable=False),
        sa.Column("coa_port", sa.Integer(), nullable=False),
        *_owned("access_nas"),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_access_nas_site_id_sites"), ondelete="CASCADE"),
        sa.UniqueConstraint("address", name=op.f("uq_access_nas_address")),
    )
    op.create_index(op.f("ix_access_nas_tenant_id"), "access_nas", ["tenant_id"])
    op.create_index(op.f("ix_access_nas_site_id"), "access_nas", ["site_id"])
    op.create_table(
        "access_credentials",
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=253), nullable=False),
        sa.Column("password_encrypted", sa.String(length=1024), nullable=True),
        sa.Column("mac", sa.String(length=17), nullable=True),
        sa.Column("circuit_id", sa.String(length=253), nullable=True),
        sa.Column("remote_id", sa.String(length=253), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_owned("access_credentials"),
        sa.ForeignKeyConstraint(
            ["subscription_id"], ["billing_subscriptions.id"],
            name=op.f("fk_access_credentials_subscription_id_billing_subscriptions"),
            ondelete="CASCADE"),
        sa.UniqueConstraint("subscription_id",
                            name=op.f("uq_access_credentials_subscription_id")),
        sa.UniqueConstraint("username", name=op.f("uq_access_credentials_username")),
        sa.UniqueConstraint("mac", name=op.f("uq_access_credentials_mac")),
    )
    op.create_index(op.f("ix_access_credentials_tenant_id"), "access_credentials",
                    ["tenant_id"])
    with op.batch_alter_table("billing_plans") as batch:
        batch.add_column(sa.Column("radius_suspended_action", sa.String(length=16),
                                   nullable=True))


def downgrade() -> None:
    """Drop the plan column and both tables (credentials and NAS secrets are lost)."""
    with op.batch_alter_table("billing_plans") as batch:
        batch.drop_column("radius_suspended_action")
    op.drop_index(op.f("ix_access_credentials_tenant_id"), table_name="access_credentials")
    op.drop_table("access_credentials")
    op.drop_index(op.f("ix_access_nas_site_id"), table_name="access_nas")
    op.drop_index(op.f("ix_access_nas_tenant_id"), table_name="access_nas")
    op.drop_table("access_nas")
