"""billing: GB-cap throttle and its reset each period (issue #20)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 12:00:00.000000

Plans get `cap_action` (none | overage | throttle | overage_and_throttle) and the throttle
rates; existing gb plans become `overage`, what they did before. Subscriptions get the state
of a cap throttle in force (since, period, the plan event it was applied under).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLAN = ("cap_throttle_up_kbps", "cap_throttle_down_kbps", "cap_action")
_SUBSCRIPTION = ("cap_plan_event_id", "cap_throttled_period", "cap_throttled_since")


def upgrade() -> None:
    """Add the columns; gb plans keep billing the GB above their cap."""
    with op.batch_alter_table("billing_plans") as batch:
        batch.add_column(sa.Column("cap_action", sa.String(24), server_default="none",
                                   nullable=False))
        batch.add_column(sa.Column("cap_throttle_down_kbps", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("cap_throttle_up_kbps", sa.BigInteger(), nullable=True))
    op.execute("UPDATE billing_plans SET cap_action = 'overage' WHERE usage_kind = 'gb'")
    with op.batch_alter_table("billing_subscriptions") as batch:
        batch.add_column(sa.Column("cap_throttled_since", sa.Date(), nullable=True))
        batch.add_column(sa.Column("cap_throttled_period", sa.Date(), nullable=True))
        batch.add_column(sa.Column("cap_plan_event_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    """Drop the columns (a throttle in force stays on the port until the next plan rate)."""
    with op.batch_alter_table("billing_subscriptions") as batch:
        for column in _SUBSCRIPTION:
            batch.drop_column(column)
    with op.batch_alter_table("billing_plans") as batch:
        for column in _PLAN:
            batch.drop_column(column)
