"""rate limits: forget counters stored under raw keys (addresses, API-key prefixes, e-mails)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 01:00:00.000000

Counter keys are now the limit's name and a SHA-256 of what is counted (hub.ratelimit.
counter_key), so a key fits `rate_counters.key` whatever a client sends, and no e-mail or
token is stored (issue #16). Rows stored under the old raw keys would never be read again,
nor ever be cleaned (a key's older windows are dropped only when that key counts again), and
some hold e-mails: they are deleted. The counters are fixed-window and short-lived, so this
only restarts the current window's counts once, at the upgrade. There is nothing to restore
on downgrade (the old code reads the table empty as well).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Delete every counter: all of them were stored under the old raw keys."""
    op.execute("DELETE FROM rate_counters")


def downgrade() -> None:
    """Nothing to undo: the old code starts from empty counters as well."""
