"""The evaluator's PostgreSQL advisory locks (two-key form: a lock space and a number).

A transaction-level lock on the caller's session keeps one hub process per tenant (and
per housekeeping) in a pass; a session-level lock on a connection of its own makes one
process the leader that runs the passes. The callers decide when: these only run the
statements (PostgreSQL only; the callers skip them on SQLite)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


async def try_transaction_lock(session: AsyncSession, space: int, key: int) -> bool:
    """Take lock (`space`, `key`) until the session's transaction ends, without waiting."""
    taken = await session.execute(text("SELECT pg_try_advisory_xact_lock(:space, :key)"),
                                  {"space": space, "key": key})
    return bool(taken.scalar())


async def try_connection_lock(conn: AsyncConnection, space: int, key: int) -> bool:
    """Take lock (`space`, `key`) for as long as the connection lives, without waiting."""
    taken = await conn.execute(text("SELECT pg_try_advisory_lock(:space, :key)"),
                               {"space": space, "key": key})
    return bool(taken.scalar())


async def unlock_connection_lock(conn: AsyncConnection, space: int, key: int) -> None:
    """Release lock (`space`, `key`) held by the connection."""
    await conn.execute(text("SELECT pg_advisory_unlock(:space, :key)"),
                       {"space": space, "key": key})


async def ping(conn: AsyncConnection) -> None:
    """Fail when the connection (and a session-level lock with it) is gone."""
    await conn.execute(text("SELECT 1"))
