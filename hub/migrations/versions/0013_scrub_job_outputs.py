"""jobs: scrub device secrets out of job outputs stored before the hub scrubbed them

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 00:30:00.000000

Until now the hub stored what agents reported: `run_show` could dump a configuration and a
backup job's output held the whole configuration, both readable with `jobs:read` (issue #16).
New results are scrubbed on arrival (hub.jobs.results); this passes the rows already stored
through the same rules (firmware_profiles/secrets.yaml, per the device's profile) and keeps a
backup's output without its configuration (which is a config version). The config versions
themselves get the same rules. Data only, in batches of 500 rows; there is no way back (a
removed secret is gone), so downgrade changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from firmware_profiles.scrub import scrubber

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
_devices = sa.table("devices", sa.column("id", sa.Uuid), sa.column("profile", sa.String))
_jobs = sa.table("provisioning_jobs", sa.column("id", sa.Uuid), sa.column("device_id", sa.Uuid),
                 sa.column("action", sa.String), sa.column("output", sa.Text))
_versions = sa.table("config_versions", sa.column("id", sa.Uuid),
                     sa.column("device_id", sa.Uuid), sa.column("text", sa.Text),
                     sa.column("sha256", sa.String))


def _without_config(action: str, output: str) -> str:
    """A backup job's output keeps the document's metadata, never the configuration."""
    if action != "backup_config" or '"config_backup"' not in output[:64]:
        return output
    try:
        data = json.loads(output)
    except ValueError:
        return "config backup unreadable; the configuration is not kept here"
    if not isinstance(data, dict):
        return output
    data["config"] = "stored as a config version; see /devices/{id}/config-versions"
    return json.dumps(data)


def _version(row: Any) -> dict[str, str]:
    # The hash follows the text, so the next unchanged backup is not taken for a change.
    text = scrubber(row.profile).scrub(row.text)
    return {"text": text, "sha256": hashlib.sha256(text.encode()).hexdigest()}


def _rescrub(table: Any, column: str, fix: Callable[[Any], dict[str, str]]) -> None:
    """Write `fix(row)` to every row whose `column` it changes (keyset batches)."""
    bind = op.get_bind()
    last = None
    while True:
        query = (sa.select(table, _devices.c.profile)
                 .select_from(table.outerjoin(_devices, _devices.c.id == table.c.device_id))
                 .order_by(table.c.id).limit(BATCH))
        if last is not None:
            query = query.where(table.c.id > last)
        rows = bind.execute(query).all()
        for row in rows:
            values = fix(row)
            if values[column] != getattr(row, column):
                bind.execute(sa.update(table).where(table.c.id == row.id).values(values))
        if len(rows) < BATCH:
            return
        last = rows[-1].id


def upgrade() -> None:
    """Apply this revision."""
    _rescrub(_jobs, "output", lambda row: {"output": _without_config(
        row.action, scrubber(row.profile).scrub_output(row.output))})
    _rescrub(_versions, "text", _version)


def downgrade() -> None:
    """Nothing to undo: removed secrets are gone."""
