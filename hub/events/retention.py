"""Retention of webhook history: what is finished and older than the cutoff is deleted.

Deleted: deliveries `delivered` before the cutoff, deliveries that went `dead` before it,
then events fanned out before it that have no delivery left (so an event still being
retried to one endpoint stays, with its other deliveries' history gone). In batches, each
its own short transaction, so a large backlog never holds long locks.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql import Select

from hub.events.models import OutboxEvent, WebhookDelivery

log = logging.getLogger("dotmac.hub.webhooks")
BATCH = 1000


def _old_deliveries(cutoff: datetime) -> Select[uuid.UUID]:
    finished = or_(
        and_(WebhookDelivery.status == "delivered", WebhookDelivery.delivered_at < cutoff),
        # a dead delivery's next_attempt_at is when it died
        and_(WebhookDelivery.status == "dead", WebhookDelivery.next_attempt_at < cutoff))
    return select(WebhookDelivery.id).where(finished).limit(BATCH)


def _old_events(cutoff: datetime) -> Select[uuid.UUID]:
    has_delivery = exists().where(WebhookDelivery.event_id == OutboxEvent.id)
    return (select(OutboxEvent.id)
            .where(OutboxEvent.fanned_out_at < cutoff, ~has_delivery).limit(BATCH))


async def _delete_batches(sessions: async_sessionmaker[AsyncSession],
                          model: type[WebhookDelivery] | type[OutboxEvent],
                          ids: Select[uuid.UUID]) -> int:
    total = 0
    while True:
        async with sessions() as session, session.begin():
            batch = list((await session.execute(ids)).scalars())
            if batch:
                await session.execute(delete(model).where(model.id.in_(batch)))
        total += len(batch)
        if len(batch) < BATCH:
            return total


async def purge(sessions: async_sessionmaker[AsyncSession], cutoff: datetime) -> int:
    """Delete finished deliveries and spent events older than `cutoff`; rows deleted."""
    deliveries = await _delete_batches(sessions, WebhookDelivery, _old_deliveries(cutoff))
    events = await _delete_batches(sessions, OutboxEvent, _old_events(cutoff))
    if deliveries or events:
        log.info("webhooks.purged deliveries=%d events=%d before=%s", deliveries, events,
                 cutoff.isoformat())
    return deliveries + events
