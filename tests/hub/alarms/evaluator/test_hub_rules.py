"""Rules about the hub itself: agent reports arriving late (ingest lag), a webhook endpoint
failing its last deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from hub.alarms.service import dedupe_key
from hub.db import utcnow
from hub.events.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from tests.hub.alarms.conftest import World
from tests.hub.alarms.evaluator.conftest import (
    Sessions,
    alarms,
    evaluate,
    feed_for,
    only,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_ingest_lag_from_late_health_reports(sessions: Sessions, world: World) -> None:
    feed = await feed_for(sessions, world)
    t0 = utcnow().replace(microsecond=0)
    await feed.state("online", t0 - timedelta(minutes=10))
    sent = t0 - timedelta(seconds=150)
    await feed.health(sent, received_at=t0)  # stored 150 s after the agent sent it
    await evaluate(sessions, world.tenant_id, t0 + timedelta(seconds=5))
    alarm = await only(sessions, world.tenant_id, "hub.ingest_lag")
    assert alarm.origin == "hub" and alarm.first_raised_at == sent
    assert alarm.dedupe_key == dedupe_key("hub.ingest_lag", "hub")
    assert alarm.details["worst"][0]["lag_s"] == 150.0

    t1 = t0 + timedelta(seconds=30)
    await feed.health(t1, received_at=t1 + timedelta(seconds=1))
    await evaluate(sessions, world.tenant_id, t1 + timedelta(seconds=5))
    assert len(await alarms(sessions, world.tenant_id, "hub.ingest_lag", "cleared")) == 1


async def _deliveries(sessions: Sessions, tenant_id: uuid.UUID, endpoint_id: uuid.UUID,
                      statuses: list[str], start: datetime) -> None:
    async with sessions() as session, session.begin():
        for n, status in enumerate(statuses):
            at = start + timedelta(seconds=n)
            event = OutboxEvent(tenant_id=tenant_id, type="alarm.raised", payload={},
                                occurred_at=at, created_at=at)
            session.add(event)
            await session.flush()
            session.add(WebhookDelivery(
                tenant_id=tenant_id, event_id=event.id, endpoint_id=endpoint_id, status=status,
                attempts=1, next_attempt_at=at, created_at=at,
                last_status_code=None if status == "delivered" else 503,
                last_error=None if status == "delivered" else "HTTP 503"))


async def test_webhook_failing_after_last_n_failures(sessions: Sessions, world: World) -> None:
    t0 = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    async with sessions() as session, session.begin():
        endpoint = WebhookEndpoint(tenant_id=world.tenant_id,
                                   url="https://noc.example.net/hook?token=s3cret",
                                   secret_encrypted="sealed", event_types=["*"])
        session.add(endpoint)
        await session.flush()
        endpoint_id = endpoint.id
    await _deliveries(sessions, world.tenant_id, endpoint_id,
                      ["delivered"] + ["failed"] * 4, t0)
    await evaluate(sessions, world.tenant_id, t0 + timedelta(minutes=1))
    assert await alarms(sessions, world.tenant_id, "hub.webhook_failing") == []  # 4 < 5

    await _deliveries(sessions, world.tenant_id, endpoint_id, ["dead"], t0 + timedelta(
        seconds=10))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(minutes=1))
    alarm = await only(sessions, world.tenant_id, "hub.webhook_failing")
    assert alarm.first_raised_at == t0 + timedelta(seconds=1)  # the oldest of the five
    assert alarm.subject == "webhook noc.example.net"
    assert "s3cret" not in alarm.summary + alarm.subject + str(alarm.details)  # URL tokens

    await _deliveries(sessions, world.tenant_id, endpoint_id, ["delivered"],
                      t0 + timedelta(seconds=20))
    await evaluate(sessions, world.tenant_id, t0 + timedelta(minutes=2))
    assert len(await alarms(sessions, world.tenant_id, "hub.webhook_failing", "cleared")) == 1
