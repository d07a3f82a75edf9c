"""billing: a manual payment's Idempotency-Key and request hash

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 00:20:00.000000

A retried `POST /billing/payments` without a reference recorded the money twice. The key is
unique per tenant (like a job's); existing payments have none (NULL never clashes).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("billing_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_billing_payments_idempotency_key",
                                          ["tenant_id", "idempotency_key"])


def downgrade() -> None:
    """Revert this revision (the keys are dropped)."""
    with op.batch_alter_table("billing_payments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_billing_payments_idempotency_key", type_="unique")
        batch_op.drop_column("request_hash")
        batch_op.drop_column("idempotency_key")
