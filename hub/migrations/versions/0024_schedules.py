"""schedules and their runs, exactly once per due time (issue #20)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 12:00:00.000000

`schedules`: one per tenant and kind (cron, IANA time zone, params, next due time in UTC).
`schedule_runs`: one row per due time, UNIQUE(schedule_id, due_at): the process that inserts
it owns the due time. Customers get `billing_day` (1-28, null: the tenant's billing day).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE",
                                   name=op.f(f"fk_{table}_tenant_id_tenants"))


def upgrade() -> None:
    """Create the two tables and the customer column."""
    op.create_table(
        "schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("cron", sa.String(120), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        _at("next_due_at", nullable=False),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        _tenant("schedules"),
        sa.UniqueConstraint("tenant_id", "kind", name="uq_schedules_tenant_kind"),
    )
    op.create_index("ix_schedules_tenant_id", "schedules", ["tenant_id"])
    op.create_index("ix_schedules_due", "schedules", ["enabled", "next_due_at"])
    op.create_table(
        "schedule_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        _at("due_at", nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        _at("lease_until"),
        _at("started_at"),
        _at("finished_at"),
        _at("next_attempt_at"),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("summary", sa.String(300), nullable=False),
        _at("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_runs")),
        _tenant("schedule_runs"),
        sa.ForeignKeyConstraint(["schedule_id"], ["schedules.id"], ondelete="CASCADE",
                                name=op.f("fk_schedule_runs_schedule_id_schedules")),
        sa.UniqueConstraint("schedule_id", "due_at", name="uq_schedule_runs_due"),
    )
    op.create_index("ix_schedule_runs_tenant_id", "schedule_runs", ["tenant_id"])
    op.create_index("ix_schedule_runs_schedule_id", "schedule_runs", ["schedule_id"])
    op.create_index("ix_schedule_runs_status", "schedule_runs", ["status", "next_attempt_at"])
    with op.batch_alter_table("billing_customers") as batch:
        batch.add_column(sa.Column("billing_day", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("billing_customers") as batch:
        batch.drop_column("billing_day")
    op.drop_table("schedule_runs")
    op.drop_table("schedules")
