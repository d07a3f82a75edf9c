"""PUBACK reason 16 "no matching subscribers" on the real Mosquitto: the broker dropped the
message, so a queued item is not delivered. It stays queued (counted, logged once per
episode, retried with backoff, one item at a time) until the hub subscribes, and then
arrives in order with nothing lost. Retained state is the exception: the broker keeps it.

This is what happens after a broker restart when an agent reconnects before the hub's
ingest worker has re-subscribed (docs/ingest.md, known limits), or while the hub is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from edge_agent.batching import Batcher
from edge_agent.delivery import BrokerSettings, Delivery, DeliverySettings
from edge_agent.delivery.service import NO_SUBSCRIBERS_FIX
from edge_agent.events import DeviceEvent, Severity
from edge_agent.queue import MemoryQueue, MemorySeqCounter, QueueLimits
from protocol import DeviceEventBatch, TelemetryBatch
from tests.agent_delivery.helpers import (
    Clock,
    Hub,
    connect_hub,
    first_occurrences,
    sample,
    unique_id,
    wait_for,
)
from tests.services.mosquitto import Broker, start_broker


@pytest.fixture(scope="module")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A broker of this module's own. On the suite's shared broker, hubs of other tests keep
    persistent (shared) subscriptions to every agent's up topics, so nothing there would
    ever be "unheard"."""
    broker = start_broker(tmp_path_factory.mktemp("nosub") / "broker")
    yield broker
    broker.stop()


BACKOFF_CAP_S = 0.3
FAST = DeliverySettings(backoff_initial_s=0.05, backoff_cap_s=BACKOFF_CAP_S,
                        health_interval_s=3600, idle_poll_s=0.05, drain_deadline_s=5)


@contextlib.asynccontextmanager
async def running(delivery: Delivery) -> AsyncIterator[None]:
    task = asyncio.create_task(delivery.run())
    try:
        yield
    finally:
        await delivery.stop()
        await asyncio.wait_for(task, 15)


def agent(mosquitto, prefix: str) -> tuple[str, BrokerSettings]:  # type: ignore[no-untyped-def]
    agent_id = unique_id(prefix)
    creds = mosquitto.add_user(agent_id)
    return agent_id, BrokerSettings(mosquitto.host, mosquitto.port, password=creds.password,
                                    keepalive_s=5)


def link_down(if_index: int) -> DeviceEvent:
    return DeviceEvent("link_down", Severity.MAJOR, "snmp_trap", "192.0.2.7",
                       datetime.now(UTC), {"ifIndex": str(if_index)})


async def telemetry(batcher: Batcher, first: int, count: int) -> list[int]:
    seqs = []
    for value in range(first, first + count):
        [queued] = await batcher.add_samples([sample("dev-1", value)])
        seqs.append(queued.item.seq)
    return seqs


def hub_seqs(hub: Hub) -> list[int]:
    """Telemetry and event batches in arrival order (what the ingest would store)."""
    return [r.message.seq for r in hub.messages()
            if isinstance(r.message, TelemetryBatch | DeviceEventBatch)]


async def test_unheard_items_stay_queued_until_the_hub_subscribes_then_arrive_in_order(
        mosquitto: Broker, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="edge_agent.delivery")
    agent_id, broker = agent(mosquitto, "dlv-nosub")
    queue = MemoryQueue()
    seq = MemorySeqCounter(start=5000)
    delivery = Delivery(agent_id, broker, queue, seq, settings=FAST)
    batcher = Batcher(agent_id, queue, seq, on_enqueue=delivery.wake)
    expected = await telemetry(batcher, 0, 25)
    expected += [q.item.seq for q in await batcher.add_events([link_down(1), link_down(2)])]
    assert len(expected) == 26  # both events travel in one batch
    async with running(delivery):
        m = delivery.metrics
        await wait_for(lambda: m.held_no_subscribers >= 3, 10, "repeated reason-16 PUBACKs")
        assert m.waiting_for_subscribers and m.connected
        assert (m.published, await queue.depth()) == (0, 26)  # nothing taken as delivered
        # Retained birth and the health report: counted, never held (state stays retained).
        assert m.no_subscribers >= m.held_no_subscribers + 2
        # Backing off, one probe at a time, not spinning through the 26 items.
        held_then = m.held_no_subscribers
        await asyncio.sleep(1.0)
        assert m.held_no_subscribers - held_then <= 1.0 / 0.05 + 2
        expected += await telemetry(batcher, 25, 5)  # produced while nobody listens
        assert await queue.depth() == 31
        hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#")
        try:
            await wait_for(lambda: len(set(hub_seqs(hub))) >= 31, 15, "the 31 held items")
            await wait_for(lambda: m.published == 31, 5, "every item acknowledged")
            assert await queue.depth() == 0 and not m.waiting_for_subscribers
            after = await telemetry(batcher, 30, 3)  # the window is open again
            await wait_for(lambda: len(set(hub_seqs(hub))) >= 34, 10, "new items")
        finally:
            hub.close()
    assert first_occurrences(hub_seqs(hub)) == expected + after  # in order, none missing
    values = [s.value for r in hub.messages(TelemetryBatch) for s in r.message.samples]
    assert sorted(set(values)) == list(range(33))
    events = [e for r in hub.messages(DeviceEventBatch) for e in r.message.events]
    assert sorted({e.labels["ifIndex"] for e in events}) == ["1", "2"]
    warned = [r for r in caplog.records if "mqtt.no_subscribers" in r.getMessage()]
    assert len(warned) == 1, "once per episode, not once per retry"
    assert NO_SUBSCRIBERS_FIX in warned[0].getMessage()
    assert "is it running?" in NO_SUBSCRIBERS_FIX
    assert any("mqtt.subscribers_back" in r.getMessage() for r in caplog.records)


async def test_a_hub_down_for_long_costs_one_probe_per_backoff_step(mosquitto: Broker) -> None:
    """Hours without a hub in a few seconds: the refusal backoff reaches its cap and stays
    there, each attempt publishes one item, and nothing leaves the queue."""
    agent_id, broker = agent(mosquitto, "dlv-nohub")
    queue = MemoryQueue()
    seq = MemorySeqCounter()
    settings = DeliverySettings(backoff_initial_s=0.02, backoff_cap_s=0.4,
                                health_interval_s=3600, idle_poll_s=0.02)
    delivery = Delivery(agent_id, broker, queue, seq, settings=settings)
    batcher = Batcher(agent_id, queue, seq, on_enqueue=delivery.wake)
    await telemetry(batcher, 0, 40)
    async with running(delivery):
        m = delivery.metrics
        await wait_for(lambda: m.held_no_subscribers >= 10, 15, "the backoff to reach its cap")
        held_then = m.held_no_subscribers
        await asyncio.sleep(3.0)
        attempts = m.held_no_subscribers - held_then
        # Full jitter under a 0.4 s ceiling averages 0.2 s: ~15 attempts in 3 s, each one
        # probe. A busy loop (or a whole window per attempt) would be hundreds.
        assert 1 <= attempts <= 40, attempts
        assert (m.published, await queue.depth()) == (0, 40)
        assert m.connected and m.reconnects == 0


async def test_queue_bounds_still_apply_while_nobody_listens(mosquitto: Broker) -> None:
    agent_id, broker = agent(mosquitto, "dlv-nosub-age")
    clock = Clock()
    queue = MemoryQueue(QueueLimits(max_age_s=3600), clock=clock)
    seq = MemorySeqCounter()
    delivery = Delivery(agent_id, broker, queue, seq, settings=FAST)
    batcher = Batcher(agent_id, queue, seq, on_enqueue=delivery.wake)
    await telemetry(batcher, 0, 10)
    async with running(delivery):
        await wait_for(lambda: delivery.metrics.held_no_subscribers >= 2, 10, "held items")
        clock.now += 2 * 3600  # the hub stayed away past the age bound
        fresh = await telemetry(batcher, 100, 3)
        assert await queue.depth() == 3 and await queue.dropped_samples() == 10
        hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#")
        try:
            await wait_for(lambda: len(set(hub_seqs(hub))) >= 3, 15, "the items within bounds")
            await wait_for(lambda: delivery.metrics.published == 3, 5, "acknowledged")
        finally:
            hub.close()
    assert first_occurrences(hub_seqs(hub)) == fresh
