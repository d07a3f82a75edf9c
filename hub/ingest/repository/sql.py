"""Dialect plumbing for ingest's upserts (PostgreSQL in production, SQLite embedded)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect(session: AsyncSession) -> str:
    """`postgresql` or `sqlite`."""
    return session.get_bind().dialect.name


def insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT on this session's database."""
    target: Table = table.__table__ if hasattr(table, "__table__") else table
    if dialect(session) == "postgresql":
        return postgresql.insert(target)
    return sqlite.insert(target)


async def lock_agent(session: AsyncSession, agent_id: uuid.UUID) -> None:
    """Serialise one agent's writes across workers until the transaction ends.

    Two workers may hold batches of the same agent at once; taking this lock first gives
    every transaction of that agent one order, so counter chains and upserts never race
    or deadlock. SQLite has a single writer already.
    """
    if dialect(session) == "postgresql":
        key = int.from_bytes(agent_id.bytes[:8], "big", signed=True)
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
