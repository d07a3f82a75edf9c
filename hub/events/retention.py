"""Retention of webhook history: what is finished and older than the cutoff is deleted.

Deleted: deliveries `delivered` before the cutoff, deliveries that went `dead` before it,
then events fanned out before it that have no delivery left (so an event still being
retried to one endpoint stays, with its other deliveries' history gone). In batches, each
its own short transaction, so a large backlog never holds long locks.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.events import repository as rows
from hub.events.repository import RETENTION_BATCH

log = logging.getLogger("dotmac.hub.webhooks")

Find = Callable[[AsyncSession, datetime], Awaitable[list[uuid.UUID]]]
Delete = Callable[[AsyncSession, list[uuid.UUID]], Awaitable[None]]


async def _delete_batches(sessions: async_sessionmaker[AsyncSession], find: Find,
                          remove: Delete, cutoff: datetime) -> int:
    total = 0
    while True:
        async with sessions() as session, session.begin():
            batch = await find(session, cutoff)
            if batch:
                await remove(session, batch)
        total += len(batch)
        if len(batch) < RETENTION_BATCH:
            return total


async def purge(sessions: async_sessionmaker[AsyncSession], cutoff: datetime) -> int:
    """Delete finished deliveries and spent events older than `cutoff`; rows deleted."""
    deliveries = await _delete_batches(sessions, rows.finished_delivery_ids,
                                       rows.delete_deliveries, cutoff)
    events = await _delete_batches(sessions, rows.spent_event_ids, rows.delete_events, cutoff)
    if deliveries or events:
        log.info("webhooks.purged deliveries=%d events=%d before=%s", deliveries, events,
                 cutoff.isoformat())
    return deliveries + events
