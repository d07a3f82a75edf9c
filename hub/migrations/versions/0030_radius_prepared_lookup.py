"""FreeRADIUS's sql backend prepares its look-up: radius_answer_rows() goes.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 15:00:00.000000

The shipped rlm_sql configuration now prepares one statement per connection (`open_query`)
and executes it once per Access-Request for the check and the reply rows together
(hub/access/radius_sql.py), instead of calling radius_answer_rows() twice: about 1.9 times
the Access-Requests per second on the benchmark (docs/benchmarks.md, "RADIUS"). A FreeRADIUS
configuration rendered before this revision calls the function: render it again
(`dotmac-hub radius config`) when upgrading.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Drop the function nothing calls any more (PostgreSQL only had it)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS radius_answer_rows(text, uuid, text, text, text, "
                   "text)")


def downgrade() -> None:
    """Put the function back for the configuration revision 0029 shipped with."""
    if op.get_bind().dialect.name == "postgresql":
        from importlib import import_module

        op.execute(import_module("hub.migrations.versions.0029_radius_answers")._FUNCTION)
