"""Exactly-once bookkeeping rows: the seqs seen per (agent, channel) and the high-water
mark below which older seen rows are pruned (the rules are in hub.ingest.dedupe)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.models import IngestHighWater, IngestSeen
from hub.ingest.repository import bulk
from hub.ingest.repository.sql import dialect, insert

SEEN = bulk.Upsert(IngestSeen.__table__, ("agent_id", "channel", "seq", "received_at"),  # type: ignore[arg-type]
                   ("agent_id", "channel", "seq"))


async def high_waters(session: AsyncSession,
                      agents: set[uuid.UUID]) -> dict[tuple[uuid.UUID, str], int]:
    """The high-water mark of each (agent, channel) of these agents that has one."""
    query = select(IngestHighWater.agent_id, IngestHighWater.channel, IngestHighWater.hwm
                   ).where(IngestHighWater.agent_id.in_(sorted(agents)))
    return {(a, c): h for a, c, h in (await session.execute(query)).all()}


async def insert_seen(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert seen rows (agent_id, channel, seq, received_at), skipping those already
    there; the positions of the new ones. A key another transaction holds waits for it."""
    return await bulk.insert_new(session, SEEN, rows)


async def forget_seen_below(session: AsyncSession, agent_id: uuid.UUID, channel: str,
                            seq: int) -> None:
    """Delete the channel's seen rows below `seq`."""
    await session.execute(delete(IngestSeen).where(
        IngestSeen.agent_id == agent_id, IngestSeen.channel == channel, IngestSeen.seq < seq))


async def raise_high_water(session: AsyncSession, agent_id: uuid.UUID, channel: str,
                           seq: int) -> None:
    """Set the channel's high-water mark to `seq` unless it is already higher."""
    stmt = insert(session, IngestHighWater).values(agent_id=agent_id, channel=channel, hwm=seq)
    stmt = stmt.on_conflict_do_update(
        index_elements=["agent_id", "channel"],
        set_={"hwm": func.max(stmt.excluded.hwm, IngestHighWater.hwm)}
        if dialect(session) == "sqlite"
        else {"hwm": func.greatest(stmt.excluded.hwm, IngestHighWater.hwm)})
    await session.execute(stmt)


async def set_high_water(session: AsyncSession, agent_id: uuid.UUID, channel: str,
                         seq: int) -> None:
    """Move the channel's high-water mark to `seq`, also down (a restarted sequence)."""
    await session.execute(update(IngestHighWater).where(
        IngestHighWater.agent_id == agent_id, IngestHighWater.channel == channel
    ).values(hwm=seq))
