"""billing: plans billed per invoiced period, adjustments of plan changes after invoicing

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:00:00.000000

Invoices made before this revision have no `billing_billed_periods` row: a plan change
dated inside one of their periods is not adjusted automatically (a credit note can).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "billing_billed_periods"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("billing_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("adjustment_pending", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("billing_subscriptions", schema=None) as batch_op:
        batch_op.alter_column("adjustment_pending", server_default=None)
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("plans", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE",
                                name=op.f(f"fk_{_TABLE}_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["subscription_id"], ["billing_subscriptions.id"],
                                ondelete="CASCADE",
                                name=op.f(f"fk_{_TABLE}_subscription_id_billing_subscriptions")),
        sa.ForeignKeyConstraint(["invoice_id"], ["billing_invoices.id"], ondelete="CASCADE",
                                name=op.f(f"fk_{_TABLE}_invoice_id_billing_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_TABLE}")),
        sa.UniqueConstraint("subscription_id", "period_start", "invoice_id",
                            name="uq_billing_billed_periods_once"),
    )
    for column in ("tenant_id", "subscription_id", "invoice_id"):
        op.create_index(op.f(f"ix_{_TABLE}_{column}"), _TABLE, [column])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table(_TABLE)
    with op.batch_alter_table("billing_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("adjustment_pending")
