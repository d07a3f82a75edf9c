"""customers, plans and tax rates: update, archive, versions (issue #20)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 09:30:00.000000

Reserved in the chain while the change is built, so migrations written in parallel stay
one line; its author fills upgrade() and downgrade().
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
