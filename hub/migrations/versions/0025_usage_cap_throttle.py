"""billing: GB-cap throttle and its reset each period (issue #20)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 12:00:00.000000

Reserved placeholder: the migration is written by the work it belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
