"""billing: network actions linked to provisioning jobs; minimum-term waiver and charge

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("subscription_network_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("job_action", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("job_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_subscription_network_actions_job_id"), ["job_id"],
                              unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_subscription_network_actions_job_id_provisioning_jobs"),
            "provisioning_jobs", ["job_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("billing_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("term_waived_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("termination_fee_pending", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("billing_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("termination_fee_pending")
        batch_op.drop_column("term_waived_by")
    with op.batch_alter_table("subscription_network_actions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_subscription_network_actions_job_id_provisioning_jobs"),
            type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_subscription_network_actions_job_id"))
        batch_op.drop_column("reason")
        batch_op.drop_column("job_id")
        batch_op.drop_column("job_action")
        batch_op.drop_column("request_id")
