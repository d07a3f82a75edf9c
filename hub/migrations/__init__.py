"""Alembic migrations shipped inside the package, configured without an alembic.ini."""

from __future__ import annotations

import io
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from hub.db import ensure_sqlite_folder, sync_url

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our scripts and at `database_url` (sync driver)."""
    config = Config(stdout=io.StringIO())
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = sync_url(database_url)
    return config


# "heads", not "head": feature branches of the schema (e.g. enrollment, ingest) may each
# branch from the same parent until they are chained; upgrading applies all of them.
HEADS = "heads"


def upgrade(database_url: str, revision: str = HEADS) -> None:
    """Migrate the database up to `revision` (default: every head)."""
    ensure_sqlite_folder(database_url)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database down to `revision` (`base` empties it)."""
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> str | None:
    """The revision(s) the database is at, comma-joined and sorted (None when never migrated)."""
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as conn:
            found = MigrationContext.configure(conn).get_current_heads()
    finally:
        engine.dispose()
    return ",".join(sorted(found)) or None


def head() -> str:
    """The newest revision(s) shipped with this code, comma-joined and sorted."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    if not found:
        raise RuntimeError("no migrations shipped in hub/migrations/versions")
    return ",".join(sorted(found))
