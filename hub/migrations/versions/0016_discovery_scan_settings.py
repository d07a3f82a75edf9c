"""discoveries: the sweep's SNMP port, concurrency and per-host timeout

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 02:45:00.000000

`POST /sites/{id}/discoveries` takes the port, the number of hosts probed at once and the
per-request timeout (protocol.DiscoveryRequest); the agent receives them in its pushed
config, so they are stored with the discovery. Existing rows get the protocol's defaults.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the three sweep settings with the protocol's defaults."""
    with op.batch_alter_table("discoveries") as batch:
        batch.add_column(sa.Column("port", sa.Integer(), server_default="161", nullable=False))
        batch.add_column(sa.Column("concurrency", sa.Integer(), server_default="32",
                                   nullable=False))
        batch.add_column(sa.Column("timeout_s", sa.Float(), server_default="1",
                                   nullable=False))


def downgrade() -> None:
    """Drop the sweep settings (agents then sweep with the defaults)."""
    with op.batch_alter_table("discoveries") as batch:
        batch.drop_column("timeout_s")
        batch.drop_column("concurrency")
        batch.drop_column("port")
