"""Quarantined messages: kept for inspection, bounded by age and by count per agent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.models import QuarantinedMessage

Q = QuarantinedMessage


async def add(session: AsyncSession, **row: Any) -> None:
    """Keep one message (the caller truncates what it must)."""
    session.add(QuarantinedMessage(**row))


async def forget_older_than(session: AsyncSession, cutoff: datetime) -> int:
    """Delete quarantined messages received before `cutoff`; how many went."""
    result = await session.execute(delete(Q).where(Q.received_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def keep_newest_per_agent(session: AsyncSession, keep: int) -> int:
    """Delete all but the newest `keep` quarantined messages of each agent (messages of
    no known agent count as one agent); how many went."""
    rank = func.row_number().over(partition_by=Q.agent_name,
                                  order_by=(Q.received_at.desc(), Q.id.desc()))
    ranked = select(Q.id.label("id"), rank.label("n")).subquery()
    surplus = select(ranked.c.id).where(ranked.c.n > keep)
    result = await session.execute(delete(Q).where(Q.id.in_(surplus)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
