"""customers, plans and tax rates: update, archive, versions (issue #20)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 09:30:00.000000

Customers get a phone, an account number (unique in the tenant when set) and an archive
time; plans a description, price versions (`family_id` = id of the first version, shared by
every version; `version`, `effective_from`, `superseded_from`) and an archive time; tax rates
an archive time. Existing plans become version 1 of their own family, effective always.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _archived() -> sa.Column[object]:
    return sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    """Add the columns; every existing plan is version 1 of its own family."""
    with op.batch_alter_table("billing_customers") as batch:
        batch.add_column(sa.Column("phone", sa.String(64), server_default="", nullable=False))
        batch.add_column(sa.Column("account_number", sa.String(64), nullable=True))
        batch.add_column(_archived())
        batch.create_unique_constraint("uq_billing_customers_account_number",
                                       ["tenant_id", "account_number"])
    with op.batch_alter_table("billing_plans") as batch:
        batch.add_column(sa.Column("description", sa.Text(), server_default="",
                                   nullable=False))
        batch.add_column(sa.Column("family_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                   nullable=False))
        batch.add_column(sa.Column("effective_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("superseded_from", sa.Date(), nullable=True))
        batch.add_column(_archived())
        batch.create_index("ix_billing_plans_family_id", ["family_id"])
    op.execute("UPDATE billing_plans SET family_id = id")
    with op.batch_alter_table("billing_tax_rates") as batch:
        batch.add_column(_archived())


def downgrade() -> None:
    """Drop the columns (later price versions stay as separate plans)."""
    with op.batch_alter_table("billing_tax_rates") as batch:
        batch.drop_column("archived_at")
    with op.batch_alter_table("billing_plans") as batch:
        batch.drop_index("ix_billing_plans_family_id")
        for column in ("archived_at", "superseded_from", "effective_from", "version",
                       "family_id", "description"):
            batch.drop_column(column)
    with op.batch_alter_table("billing_customers") as batch:
        batch.drop_constraint("uq_billing_customers_account_number", type_="unique")
        for column in ("archived_at", "account_number", "phone"):
            batch.drop_column(column)
