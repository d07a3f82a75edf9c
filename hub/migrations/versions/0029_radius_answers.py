"""subscriber access: materialized RADIUS answers for FreeRADIUS sql (issue #19)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 12:00:00.000000

Reserved placeholder: the migration is written by the work it belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
