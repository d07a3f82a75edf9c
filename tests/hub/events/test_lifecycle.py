"""Delivery races and housekeeping: stale results, the whole-request timeout, retention."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from hub.db import utcnow
from hub.events.delivery import DELIVERIES, LEASE_MARGIN_S
from hub.events.models import OutboxEvent, WebhookDelivery
from tests.hub.events.receiver import running_receiver, trickling_server
from tests.hub.events.support import add_endpoint, deliveries, delivery_rows, emit, worker
from tests.hub.harness import Hub


async def test_a_stale_result_never_overwrites_a_newer_attempt(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-stale")
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, rx.url)
        ping = await hub.post(owner, f"/webhooks/endpoints/{made['id']}/ping", {})
        slow, fast = worker(hub), worker(hub)
        [old] = await slow.claim()  # attempt 1, still in flight...
        await hub.post(owner, f"/webhooks/deliveries/{ping['id']}/redeliver", {})
        [new] = await fast.claim()  # ...when a redelivery is claimed: attempt 1 again
        assert (old.attempt, new.attempt) == (1, 1) and old.lease != new.lease
        assert await fast.send(new) == "delivered"
        rx.fail_next(1, status=500)
        assert await slow.send(old) == "failed"  # it did fail, but it is not the latest
        for w in (slow, fast):
            await w.close()
    assert len(rx.requests) == 2
    [row] = await deliveries(hub, owner, made["id"])
    assert (row["status"], row["last_status_code"], row["attempts"]) == ("delivered", 200, 1)
    assert row["last_error"] is None


async def test_a_trickling_receiver_is_cut_off_inside_the_lease(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-slow")
    timeout_s = 0.5
    async with trickling_server(step_s=0.2, steps=25) as url:  # 5 s, 0.2 s per read
        made = await add_endpoint(hub, owner, url)
        await hub.post(owner, f"/webhooks/endpoints/{made['id']}/ping", {})
        w = worker(hub, timeout_s=timeout_s)
        started = time.monotonic()
        [attempt] = await w.claim()
        outcome = await w.send(attempt)
        took = time.monotonic() - started
        await w.close()
    assert outcome == "failed"
    assert took < timeout_s + 3.0 < timeout_s + LEASE_MARGIN_S  # per-phase timeouts: 5 s
    assert w.metrics.value(DELIVERIES, outcome="failed", reason="timeout") == 1
    [row] = await delivery_rows(hub, made["id"])
    assert row.last_error == "timeout: no complete answer in time" and row.attempts == 1


async def _age(hub: Hub, delivery_id: uuid.UUID, days: float, **values: object) -> None:
    then = utcnow() - timedelta(days=days)
    async with hub.app.state.sessions() as session, session.begin():
        row = await session.get(WebhookDelivery, delivery_id)
        assert row is not None
        stamps = {k: then for k, v in values.items() if v == "then"}
        await session.execute(update(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id).values(**{**values, **stamps}))
        await session.execute(update(OutboxEvent).where(OutboxEvent.id == row.event_id)
                              .values(fanned_out_at=then, occurred_at=then))


async def _exists(hub: Hub, model: type[OutboxEvent] | type[WebhookDelivery],
                  ids: list[uuid.UUID]) -> list[bool]:
    async with hub.app.state.sessions() as session:
        found = set((await session.execute(select(model.id).where(model.id.in_(ids))))
                    .scalars())
    return [i in found for i in ids]


async def test_retention_purges_finished_history_and_keeps_what_is_in_flight(hub: Hub) -> None:
    owner = await hub.new_tenant("wh-retention")
    async with running_receiver() as rx:
        made = await add_endpoint(hub, owner, rx.url, ["ticket.created"])
        for _ in range(5):
            await emit(hub, owner.tenant_id, "ticket.created", ticket_id=uuid.uuid4())
        orphan = await emit(hub, owner.tenant_id, "payment.received", amount="1.00")
        w = worker(hub, retention_days=30)
        await w.fan_out()
    rows = sorted(await delivery_rows(hub, made["id"]), key=lambda r: r.id)
    old_ok, old_dead, old_failed, recent_ok, old_pending = (r.id for r in rows)
    await _age(hub, old_ok, 31, status="delivered", delivered_at="then")
    await _age(hub, old_dead, 31, status="dead", next_attempt_at="then")
    await _age(hub, old_failed, 31, status="failed", next_attempt_at="then")
    await _age(hub, recent_ok, 29, status="delivered", delivered_at="then")
    await _age(hub, old_pending, 31, status="pending", next_attempt_at=utcnow() + timedelta(
        hours=1))
    async with hub.app.state.sessions() as session, session.begin():  # matched no endpoint
        await session.execute(update(OutboxEvent).where(OutboxEvent.id == orphan).values(
            fanned_out_at=utcnow() - timedelta(days=40)))
    events = [r.event_id for r in rows]
    assert await w.purge_if_due() == 2 + 2 + 1  # 2 deliveries, their 2 events, the orphan
    assert await _exists(hub, WebhookDelivery, [r.id for r in rows]) == [
        False, False, True, True, True]
    assert await _exists(hub, OutboxEvent, [*events, orphan]) == [
        False, False, True, True, True, False]
    await _age(hub, recent_ok, 31, delivered_at="then")
    assert await w.purge_if_due() == 0  # at most once per DOTMAC_HUB_WEBHOOK_PURGE_INTERVAL_S
    again = worker(hub, retention_days=30)
    assert (await again.tick()).purged == 2  # the now-old delivery and its event
    await w.close()
    await again.close()
