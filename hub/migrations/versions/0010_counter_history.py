"""ingest: recent counter readings and each series' first time, so late readings are
spliced into the rollups

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 13:00:00.000000

One row per device, poll time and storing transaction (readings as JSON). A logged table:
an unlogged one is emptied by crash recovery and is empty on a promoted standby, which is
when a backlog arrives out of order and the held readings are needed most.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("counter_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_ts", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "counter_history",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("device", sa.String(length=128), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch", sa.Uuid(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("readings", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "device", "ts", "batch",
                                name=op.f("pk_counter_history")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("counter_history")
    with op.batch_alter_table("counter_state", schema=None) as batch_op:
        batch_op.drop_column("first_ts")
