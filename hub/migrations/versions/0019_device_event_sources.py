"""devices: the extra addresses a device sends traps and syslog from

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 09:30:00.000000

Issue #18. A router often sends traps and syslog from a loopback, not from the address it
is polled on; `event_sources` lists those addresses (canonical IP text) and is pushed to
the device's agent (protocol 1.3, PushedDevice.event_sources). Existing devices get [].
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the list, empty for every existing device."""
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("event_sources", sa.JSON(), server_default=sa.text("'[]'"),
                                   nullable=False))


def downgrade() -> None:
    """Drop the list (agents then map senders by management address and agent.yaml only)."""
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("event_sources")
