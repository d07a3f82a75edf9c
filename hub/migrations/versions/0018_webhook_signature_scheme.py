"""webhook endpoints: the signature scheme (Standard Webhooks or the legacy one)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 09:10:00.000000

Issue #20. New endpoints sign by the Standard Webhooks scheme (`webhook-signature: v1,<base64>`);
endpoints that exist when this runs keep the `v1=`+hex scheme their receivers verify today
("legacy", deprecated), until their owner switches them (PATCH signature_scheme). So the
column is added with "legacy" for the existing rows, then its default becomes "standard".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Existing endpoints: legacy; endpoints created from now on: standard."""
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.add_column(sa.Column("signature_scheme", sa.String(length=12),
                                   server_default="legacy", nullable=False))
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.alter_column("signature_scheme", existing_type=sa.String(length=12),
                           existing_nullable=False, server_default="standard")


def downgrade() -> None:
    """Drop the scheme: every endpoint signs the legacy way again (the only one before)."""
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.drop_column("signature_scheme")
