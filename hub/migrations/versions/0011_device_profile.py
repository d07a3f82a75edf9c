"""inventory: a device's `snmp_profile` becomes `profile`, with the agent's names

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 23:45:00.000000

The hub stored profile names as the API received them (`cisco-ios` as often as `cisco_ios`)
and patched them with `.replace("-", "_")` wherever it read them. The agent, the protocol and
the `firmware_profiles/` folders say `cisco_ios`: rows are rewritten to those names once here.
Downgrading renames the column back and keeps the underscore names, which the previous code
accepted as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # batch_alter_table: SQLite renames a column by copying the table; PostgreSQL in place.
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.alter_column("snmp_profile", new_column_name="profile",
                              existing_type=sa.String(length=64), existing_nullable=False)
    devices = sa.table("devices", sa.column("profile", sa.String(length=64)))
    op.execute(devices.update()
               .where(devices.c.profile.contains("-"))
               .values(profile=sa.func.replace(devices.c.profile, "-", "_")))


def downgrade() -> None:
    """Revert this revision (profile names keep their underscores)."""
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.alter_column("profile", new_column_name="snmp_profile",
                              existing_type=sa.String(length=64), existing_nullable=False)
