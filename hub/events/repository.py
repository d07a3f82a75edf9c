"""Every query of the webhook outbox: endpoints and deliveries of one tenant for the API,
and the worker's cross-tenant statements (fan-out, claim, result, retention).

The worker's functions run in the caller's transaction; claiming, result and retention
keep their own short transactions in hub.events.delivery and hub.events.retention.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from hub.pagination import PageParams
from hub.repository import TenantScopedRepository

# Rows of one retention batch: one short transaction each, so a backlog holds no long locks.
RETENTION_BATCH = 1000


class Endpoints(TenantScopedRepository[WebhookEndpoint]):
    """Webhook endpoints of the caller's tenant."""

    model, noun = WebhookEndpoint, "webhook endpoint"


class Deliveries(TenantScopedRepository[WebhookDelivery]):
    """Webhook deliveries of the caller's tenant."""

    model, noun = WebhookDelivery, "webhook delivery"

    async def of_endpoint(self, endpoint_id: uuid.UUID, params: PageParams,
                          ) -> tuple[list[WebhookDelivery], str | None]:
        """A page of one endpoint's deliveries."""
        query = self.select().where(WebhookDelivery.endpoint_id == endpoint_id)
        return await self.page(params, query)


async def event_type(session: AsyncSession, event_id: uuid.UUID) -> str:
    """The type of an outbox event a delivery of the caller's tenant points to."""
    found: str = (await session.execute(select(OutboxEvent.type).where(
        OutboxEvent.id == event_id))).scalar_one()
    return found


async def take_new_events(session: AsyncSession, limit: int) -> list[OutboxEvent]:
    """The oldest events not fanned out yet, locked (another worker skips them)."""
    query = (select(OutboxEvent).where(OutboxEvent.fanned_out_at.is_(None))
             .order_by(OutboxEvent.id).limit(limit)
             .with_for_update(skip_locked=True))
    return list((await session.execute(query)).scalars())


async def active_endpoints(session: AsyncSession, tenants: set[uuid.UUID],
                           ) -> dict[uuid.UUID, list[WebhookEndpoint]]:
    """Active endpoints of these tenants, by tenant."""
    found: dict[uuid.UUID, list[WebhookEndpoint]] = defaultdict(list)
    if not tenants:
        return found
    query = select(WebhookEndpoint).where(WebhookEndpoint.tenant_id.in_(tenants),
                                          WebhookEndpoint.active.is_(True))
    for endpoint in (await session.execute(query)).scalars():
        found[endpoint.tenant_id].append(endpoint)
    return found


async def take_due_deliveries(session: AsyncSession, now: datetime, limit: int,
                              ) -> list[tuple[WebhookDelivery, WebhookEndpoint, OutboxEvent]]:
    """Pending or failed deliveries due by `now` to active endpoints, oldest due first, each
    with its endpoint and event; the delivery rows are locked (another worker skips them)."""
    query = (select(WebhookDelivery, WebhookEndpoint, OutboxEvent)
             .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
             .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
             .where(WebhookDelivery.status.in_(("pending", "failed")),
                    WebhookDelivery.next_attempt_at <= now,
                    WebhookEndpoint.active.is_(True))
             .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
             .limit(limit)
             .with_for_update(of=WebhookDelivery, skip_locked=True))
    return [(d, e, o) for d, e, o in (await session.execute(query)).all()]


async def record_attempt(session: AsyncSession, delivery_id: uuid.UUID, lease: datetime,
                         values: dict[str, object]) -> None:
    """Write an attempt's outcome, only if the row still holds this claim's lease (a
    redelivery or a later claim since then, both setting another next_attempt_at, wins)."""
    await session.execute(update(WebhookDelivery)
                          .where(WebhookDelivery.id == delivery_id,
                                 WebhookDelivery.next_attempt_at == lease)
                          .values(**values))


async def finished_delivery_ids(session: AsyncSession, cutoff: datetime) -> list[uuid.UUID]:
    """A batch of deliveries delivered, or gone dead, before `cutoff`."""
    finished = or_(
        and_(WebhookDelivery.status == "delivered", WebhookDelivery.delivered_at < cutoff),
        # a dead delivery's next_attempt_at is when it died
        and_(WebhookDelivery.status == "dead", WebhookDelivery.next_attempt_at < cutoff))
    query = select(WebhookDelivery.id).where(finished).limit(RETENTION_BATCH)
    return list((await session.execute(query)).scalars())


async def spent_event_ids(session: AsyncSession, cutoff: datetime) -> list[uuid.UUID]:
    """A batch of events fanned out before `cutoff` with no delivery left."""
    has_delivery = exists().where(WebhookDelivery.event_id == OutboxEvent.id)
    query = (select(OutboxEvent.id)
             .where(OutboxEvent.fanned_out_at < cutoff, ~has_delivery).limit(RETENTION_BATCH))
    return list((await session.execute(query)).scalars())


async def delete_deliveries(session: AsyncSession, ids: list[uuid.UUID]) -> None:
    """Delete these deliveries."""
    await session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))


async def delete_events(session: AsyncSession, ids: list[uuid.UUID]) -> None:
    """Delete these outbox events."""
    await session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(ids)))
