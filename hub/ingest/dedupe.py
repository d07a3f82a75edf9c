"""Exactly-once bookkeeping: (agent, channel, seq) rows under a durable high-water mark.

A seq within `window` below the channel's high-water mark is checked against the seen
rows (out-of-order redelivery from another worker or after a crash); anything older is a
replay and refused. The seen row is inserted in the same transaction as the data, so a
crash before commit leaves neither, and the primary key settles a race between workers.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.models import IngestHighWater, IngestSeen
from hub.ingest.sql import insert

PRUNE_EVERY = 256  # seqs; pruning on every message would double the write load


class Claim(StrEnum):
    """Whether a message is new, already stored, or older than the dedupe window."""

    NEW = "new"
    DUPLICATE = "duplicate"
    STALE = "stale_seq"


async def _hwm(session: AsyncSession, agent_id: uuid.UUID, channel: str) -> int | None:
    query = select(IngestHighWater.hwm).where(IngestHighWater.agent_id == agent_id,
                                              IngestHighWater.channel == channel)
    return (await session.execute(query)).scalar_one_or_none()


async def claim(session: AsyncSession, agent_id: uuid.UUID, channel: str, seq: int,
                window: int) -> Claim:
    """Record the seq inside the caller's transaction; NEW means "write the data now"."""
    hwm = await _hwm(session, agent_id, channel)
    if hwm is not None and seq <= hwm - window:
        return Claim.STALE
    stmt = insert(session, IngestSeen).values(agent_id=agent_id, channel=channel, seq=seq)
    stmt = stmt.on_conflict_do_nothing().returning(IngestSeen.seq)
    if (await session.execute(stmt)).first() is None:
        return Claim.DUPLICATE
    await _raise_hwm(session, agent_id, channel, seq, hwm)
    if hwm is not None and seq // PRUNE_EVERY != hwm // PRUNE_EVERY:
        await session.execute(delete(IngestSeen).where(
            IngestSeen.agent_id == agent_id, IngestSeen.channel == channel,
            IngestSeen.seq < max(seq, hwm) - window))
    return Claim.NEW


async def _raise_hwm(session: AsyncSession, agent_id: uuid.UUID, channel: str, seq: int,
                     hwm: int | None) -> None:
    if hwm is not None and hwm >= seq:
        return
    stmt = insert(session, IngestHighWater).values(agent_id=agent_id, channel=channel, hwm=seq)
    stmt = stmt.on_conflict_do_update(
        index_elements=["agent_id", "channel"],
        set_={"hwm": func.max(stmt.excluded.hwm, IngestHighWater.hwm)}
        if session.get_bind().dialect.name == "sqlite"
        else {"hwm": func.greatest(stmt.excluded.hwm, IngestHighWater.hwm)})
    await session.execute(stmt)
