"""Alembic environment: synchronous engine, batch mode so SQLite can alter tables."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from hub.db import sqlite_transactions
from hub.models import metadata

config = context.config


def run_migrations() -> None:
    """Run the pending migrations online against the configured database."""
    url = config.attributes["database_url"]
    engine = create_engine(url, poolclass=pool.NullPool)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:  # a migration failing halfway must roll back whole, as on PostgreSQL
        sqlite_transactions(engine)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=sqlite, transactional_ddl=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
