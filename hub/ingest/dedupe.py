"""Exactly-once bookkeeping: (agent, channel, seq) rows under a durable high-water mark.

A seq within `window` below the channel's high-water mark is checked against the seen
rows (out-of-order redelivery from another worker or after a crash). A seq further below
is a restarted sequence, not a replay: the agent's queue was replaced (a wiped state
folder, a new SD card) or seeded by a clock far behind (a box booted at 1970). It is
stored, and the high-water mark follows the new sequence, so none of its messages is
refused as `stale_seq` and deleted on the agent by the PUBACK. What an old replay could
bring back is bounded by the telemetry time bounds (`max_past_s`, checked before this).
The seen rows are inserted in the same transaction as the data, so a
crash before commit leaves neither, and the primary key settles a race between workers:
a second worker inserting the same key waits for the first transaction and then finds it.

Two steps, so that nothing but the seen rows is locked across the time-series write:
`claim_many` (seen rows, before the write) and `advance` (high-water mark and pruning,
after it, under the agent lock).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import utcnow
from hub.ingest.repository import seen as rows

log = logging.getLogger("dotmac.hub.ingest")
PRUNE_EVERY = 256  # seqs; pruning on every message would double the write load
SeqKey = tuple[uuid.UUID, str, int]  # agent, channel, seq


class Claim(StrEnum):
    """Whether a message is new, already stored, or older than the dedupe window."""

    NEW = "new"
    DUPLICATE = "duplicate"
    STALE = "stale_seq"  # no longer given: a seq below the window restarts the sequence


async def claim_many(session: AsyncSession, keys: Sequence[SeqKey], window: int,
                     at: datetime | None = None) -> list[Claim]:
    """Record the seqs inside the caller's transaction, one Claim per key (in order);
    NEW means "write the data now". A key repeated within `keys` is NEW once. (`window`
    is kept for the callers; it matters in `advance`.)"""
    claims: list[Claim] = []
    first: dict[SeqKey, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            claims.append(Claim.DUPLICATE)
        else:
            first[key] = index
            claims.append(Claim.NEW)  # until the insert says otherwise
    ordered = sorted(first)  # one lock order for every transaction: no deadlocks
    received = at or utcnow()
    fresh = set(await rows.insert_seen(session, [
        {"agent_id": a, "channel": c, "seq": s, "received_at": received}
        for a, c, s in ordered]))
    for position, key in enumerate(ordered):
        if position not in fresh:
            claims[first[key]] = Claim.DUPLICATE
    return claims


async def advance(session: AsyncSession, stored: Sequence[SeqKey], window: int) -> None:
    """Raise the high-water marks past the stored seqs and prune old seen rows (call
    under the agent lock: the mark rows are shared by every transaction of the agent)."""
    top: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for agent, channel, seq in stored:
        top[(agent, channel)] = max(top[(agent, channel)], seq)
    if not top:
        return
    hwms = await rows.high_waters(session, {a for a, _c in top})
    for (agent, channel), seq in sorted(top.items()):
        hwm = hwms.get((agent, channel))
        if hwm is not None and seq <= hwm - window:  # a restarted sequence: follow it
            log.warning("ingest.seq_restarted agent_id=%s channel=%s seq=%d previous_hwm=%d "
                        "(a replaced queue or a clock far behind)", agent, channel, seq, hwm)
            await rows.set_high_water(session, agent, channel, seq)
            continue
        if hwm is None or hwm < seq:
            await rows.raise_high_water(session, agent, channel, seq)
        if hwm is not None and seq // PRUNE_EVERY != hwm // PRUNE_EVERY:
            await rows.forget_seen_below(session, agent, channel, max(seq, hwm) - window)


async def claim(session: AsyncSession, agent_id: uuid.UUID, channel: str, seq: int,
                window: int) -> Claim:
    """One message: claim and, when new, advance (the caller holds the agent lock)."""
    got = (await claim_many(session, [(agent_id, channel, seq)], window))[0]
    if got is Claim.NEW:
        await advance(session, [(agent_id, channel, seq)], window)
    return got

