"""billing: the minimum term's end stored on the subscription

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 09:00:00.000000

Backfill: for each started subscription, the later of the terms of the plan it was activated
on and of its current plan, both counted from `started_on` (the current plan's term is what
the code before this revision enforced; the activation plan's closes the upgrade loophole).
Subscriptions without a term keep NULL. The dates are computed in Python with the rule of
`hub.billing.charges.term_end` (same day of the month, clamped; copied here so this revision
never changes) and are the same on PostgreSQL and SQLite.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUBSCRIPTIONS = sa.table("billing_subscriptions", sa.column("id", sa.Uuid()),
                          sa.column("started_on", sa.Date()),
                          sa.column("term_ends_on", sa.Date()))
# Per started subscription: the term (months) of its current plan and of its activation plan.
_TERMS = sa.text("""
SELECT s.id, s.started_on, p.minimum_term_periods AS current_term,
       (SELECT a.minimum_term_periods FROM billing_subscription_events e
          JOIN billing_plans a ON a.id = e.plan_id
         WHERE e.subscription_id = s.id AND e.kind = 'activate'
         ORDER BY e.created_at LIMIT 1) AS activation_term
  FROM billing_subscriptions s JOIN billing_plans p ON p.id = s.plan_id
 WHERE s.started_on IS NOT NULL
""")


def _term_end(started_on: date, periods: int) -> date:
    month = started_on.month - 1 + periods
    year, month = started_on.year + month // 12, month % 12 + 1
    return date(year, month, min(started_on.day, calendar.monthrange(year, month)[1]))


def _ends(started_on: date, *terms: int | None) -> date | None:
    periods = max((t or 0 for t in terms), default=0)
    return _term_end(started_on, periods) if periods else None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("billing_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("term_ends_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(_TERMS.columns(sa.column("id", sa.Uuid()),
                                       sa.column("started_on", sa.Date()))).all()
    for row in rows:
        ends = _ends(row.started_on, row.current_term, row.activation_term)
        if ends is not None:
            bind.execute(_SUBSCRIPTIONS.update().where(_SUBSCRIPTIONS.c.id == row.id)
                         .values(term_ends_on=ends))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("billing_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("term_ends_on")
