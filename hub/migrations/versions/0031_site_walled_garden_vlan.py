"""Sites get the walled-garden VLAN their switches move a suspended customer's port into.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 15:10:00.000000

A profile whose suspend_mode is walled_garden_vlan suspends by putting the customer's port
in the site's walled-garden VLAN (`suspend_customer` takes `vlan`): the VLAN is a property
of the site's network (where the captive portal is reachable), not of the customer.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The column, empty: a site without one cannot suspend into a walled garden."""
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("walled_garden_vlan", sa.Integer(), nullable=True))
        batch.create_check_constraint(op.f("ck_sites_walled_garden_vlan_range"),
                                      "walled_garden_vlan BETWEEN 1 AND 4094")


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("sites") as batch:
        batch.drop_constraint(op.f("ck_sites_walled_garden_vlan_range"), type_="check")
        batch.drop_column("walled_garden_vlan")
