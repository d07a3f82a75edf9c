"""Delivery against the real Mosquitto: order, outages, refusals, birth/death, health."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from edge_agent.batching import Batcher
from edge_agent.delivery import (
    AckingClient,
    Backoff,
    BrokerSettings,
    Delivery,
    DeliverySettings,
    PollHealth,
)
from edge_agent.queue import BatchQueue, MemoryQueue, MemorySeqCounter, QueueItem, SqliteQueue
from protocol import AgentHealth, Channel, TelemetryBatch, build
from tests.agent_delivery.helpers import (
    Hub,
    connect_hub,
    first_occurrences,
    sample,
    unique_id,
    wait_for,
)
from tests.services._proc import free_port

NOT_AUTHORIZED = 135
FAST = DeliverySettings(backoff_initial_s=0.05, backoff_cap_s=0.3, health_interval_s=3600,
                        idle_poll_s=0.05, drain_deadline_s=5)


@contextlib.asynccontextmanager
async def running(delivery: Delivery) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``delivery`` in the background; stop (drain) it on exit."""
    task = asyncio.create_task(delivery.run())
    try:
        yield task
    finally:
        await delivery.stop()
        await asyncio.wait_for(task, 15)


@contextlib.contextmanager
def hub_for(mosquitto, agent_id: str) -> Hub:  # type: ignore[no-untyped-def,misc]
    hub = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/#")
    try:
        yield hub
    finally:
        hub.close()


def agent(mosquitto, prefix: str) -> tuple[str, BrokerSettings]:  # type: ignore[no-untyped-def]
    agent_id = unique_id(prefix)
    creds = mosquitto.add_user(agent_id)
    return agent_id, BrokerSettings(mosquitto.host, mosquitto.port, password=creds.password,
                                    keepalive_s=5)


async def enqueue(batcher: Batcher, count: int, device: str = "dev-1") -> list[int]:
    seqs = []
    for i in range(count):
        [queued] = await batcher.add_samples([sample(device, i)])
        seqs.append(queued.item.seq)
    return seqs


def test_backoff_is_full_jitter_doubling_to_the_cap() -> None:
    backoff = Backoff(0.5, 4.0)
    ceilings = []
    for _ in range(6):
        ceilings.append(backoff.ceiling())
        assert 0.0 <= backoff.next() <= ceilings[-1]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    backoff.reset()
    assert backoff.ceiling() == 0.5


async def test_batches_arrive_in_order_with_their_seq(mosquitto) -> None:  # type: ignore[no-untyped-def]
    agent_id, broker = agent(mosquitto, "dlv-order")
    queue = MemoryQueue()
    seq = MemorySeqCounter(start=1000)
    batcher = Batcher(agent_id, queue, seq)
    with hub_for(mosquitto, agent_id) as hub:
        expected = await enqueue(batcher, 60)
        delivery = Delivery(agent_id, broker, queue, seq, settings=FAST)
        async with running(delivery):
            await wait_for(lambda: len(hub.telemetry_seqs()) >= 60, 15, "60 batches at the hub")
            await wait_for(lambda: delivery.metrics.published == 60, 5, "all acked")
            assert await queue.depth() == 0
            assert delivery.metrics.connected
        assert hub.telemetry_seqs() == expected
        values = [s.value for r in hub.messages(TelemetryBatch) for s in r.message.samples]  # type: ignore[attr-defined]
        assert values == list(range(60))
        online = [s for s in hub.states() if s.state == "online"]
        assert online and online[0].agent_id == agent_id
        assert delivery.metrics.refused == {}


async def test_broker_outage_loses_nothing(mosquitto, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    agent_id, broker = agent(mosquitto, "dlv-outage")
    queue = await SqliteQueue.open(tmp_path / "queue.sqlite3")
    seq = queue.seq_counter()
    delivery = Delivery(agent_id, broker, queue, seq, settings=FAST)
    batcher = Batcher(agent_id, queue, seq, on_enqueue=delivery.wake)
    produced: list[int] = []
    stop = asyncio.Event()

    async def produce() -> None:
        # Stopped by a flag, not cancel(): a cancel could land after a batch was queued but
        # before its seq was recorded here, and the hub would rightly receive an "extra".
        while not stop.is_set():
            produced.extend(await enqueue(batcher, 1))
            await asyncio.sleep(0.01)

    with hub_for(mosquitto, agent_id) as hub:
        async with running(delivery):
            producer = asyncio.create_task(produce())
            await wait_for(lambda: len(hub.telemetry_seqs()) >= 20, 10, "traffic before outage")
            mosquitto.stop()
            try:
                await wait_for(lambda: not delivery.metrics.connected, 10, "agent to notice")
                during = len(produced)
                await wait_for(lambda: len(produced) > during + 20, 10,
                               "the poller to keep producing")
                assert await queue.depth() >= 20  # ...into the queue
            finally:
                mosquitto.start()
            await asyncio.sleep(0.5)
            stop.set()
            await producer
            await wait_for(lambda: set(produced) <= set(hub.telemetry_seqs()), 20,
                           "every produced batch at the hub")
            assert delivery.metrics.reconnects >= 1
            assert delivery.metrics.last_connect_error
    await queue.close()
    received = hub.telemetry_seqs()
    assert first_occurrences(received) == produced  # in order, none missing, none invented
    by_seq = {}
    for r in hub.messages(TelemetryBatch):  # a redelivery is the very same batch
        assert by_seq.setdefault(r.message.seq, r.message) == r.message


async def test_acl_refusal_keeps_the_item(mosquitto) -> None:  # type: ignore[no-untyped-def]
    agent_id, broker = agent(mosquitto, "dlv-acl")
    queue = MemoryQueue()
    seq = MemorySeqCounter()
    batcher = Batcher(agent_id, queue, seq)
    [before] = await enqueue(batcher, 1)
    # The ACL lets an agent write only dm/v1/<id>/up/#: the broker refuses this one (135).
    forbidden = await queue.put(QueueItem(Channel.CONFIG, b"{}", await seq.take()))
    [after] = await enqueue(batcher, 1)
    delivery = Delivery(agent_id, broker, queue, seq, settings=FAST)
    with hub_for(mosquitto, agent_id) as hub:
        async with running(delivery):
            await wait_for(lambda: delivery.metrics.refused[NOT_AUTHORIZED] >= 3, 10,
                           "repeated refusals with reason 135")
            refused_then = delivery.metrics.refused[NOT_AUTHORIZED]
            await asyncio.sleep(1.0)
            # Backing off (cap 0.3 s), not spinning: a handful of retries, not thousands.
            assert delivery.metrics.refused[NOT_AUTHORIZED] - refused_then <= 12
            assert await queue.peek(10) == [forbidden]  # kept, everything else acked
            assert delivery.metrics.published == 2
            assert delivery.metrics.connected
        assert hub.telemetry_seqs() == [before, after]


async def test_connect_refused_keeps_everything(mosquitto) -> None:  # type: ignore[no-untyped-def]
    _, broker = agent(mosquitto, "dlv-acl-me")
    other = unique_id("dlv-acl-other")  # another agent's topics (and Will) with my password
    queue = MemoryQueue()
    seq = MemorySeqCounter()
    expected = await enqueue(Batcher(other, queue, seq), 3)
    delivery = Delivery(other, broker, queue, seq, settings=FAST)
    async with running(delivery):
        await wait_for(lambda: delivery.metrics.reconnects >= 2, 10, "refused connects")
        assert "135" in (delivery.metrics.last_connect_error or "")
        assert not delivery.metrics.connected
    assert [q.item.seq for q in await queue.peek(10)] == expected


async def test_acking_client_reports_the_puback_reason(mosquitto) -> None:  # type: ignore[no-untyped-def]
    me, broker = agent(mosquitto, "dlv-puback")
    async with AckingClient(broker.host, broker.port, username=me, password=broker.password,
                            identifier=me, protocol=__import__("aiomqtt").ProtocolVersion.V5
                            ) as client:
        own = await client.publish_acked(build(me, Channel.TELEMETRY), b"{}")
        foreign = await client.publish_acked(build("someone-else", Channel.TELEMETRY), b"{}")
    assert not own.is_failure
    assert foreign.value == NOT_AUTHORIZED and foreign.is_failure


async def test_health_reports_queue_and_poller(mosquitto) -> None:  # type: ignore[no-untyped-def]
    agent_id, broker = agent(mosquitto, "dlv-health")

    class Poller:  # the runtime's scheduler plays this role
        def poll_health(self) -> PollHealth:
            return PollHealth(0.4, 1.5, devices_total=3, device_errors={"rtr9": "timeout"})

    queue = MemoryQueue()
    seq = MemorySeqCounter()
    settings = DeliverySettings(backoff_initial_s=0.05, backoff_cap_s=0.3, health_interval_s=0.2,
                                idle_poll_s=0.05)
    delivery = Delivery(agent_id, broker, queue, seq, settings=settings, health=Poller())
    with hub_for(mosquitto, agent_id) as hub:
        async with running(delivery):
            await wait_for(lambda: len(hub.messages(AgentHealth)) >= 2, 10, "two health reports")
    health = hub.messages(AgentHealth)[-1].message
    assert isinstance(health, AgentHealth)
    assert (health.devices_total, health.devices_failing) == (3, 1)
    assert health.device_errors == {"rtr9": "timeout"}
    assert health.poll_duration_p95_s == 1.5
    assert (health.queue_depth, health.dropped_samples) == (0, 0)
    seqs = [r.message.seq for r in hub.messages()]
    assert seqs == sorted(seqs)  # state and health share the one seq counter


async def test_stop_drains_then_says_offline(mosquitto, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    agent_id, broker = agent(mosquitto, "dlv-drain")
    queue = MemoryQueue()
    seq = MemorySeqCounter()
    expected = await enqueue(Batcher(agent_id, queue, seq), 200)
    delivery = Delivery(agent_id, broker, queue, seq, settings=FAST)
    with hub_for(mosquitto, agent_id) as hub:
        task = asyncio.create_task(delivery.run())
        await wait_for(lambda: delivery.metrics.connected, 10, "connect")
        await delivery.stop(deadline_s=10)
        await task
        assert await queue.depth() == 0  # flushed before closing
        await wait_for(lambda: any(s.state == "offline" for s in hub.states()), 5, "offline")
    assert first_occurrences(hub.telemetry_seqs()) == expected
    assert hub.states()[-1].reason == "shutdown"
    late = connect_hub(mosquitto, f"dm/v1/{agent_id}/up/state")  # retained for newcomers
    try:
        await wait_for(lambda: bool(late.states()), 5, "retained state")
        assert late.states()[0].state == "offline" and late.messages()[0].retain
    finally:
        late.close()


async def test_stop_without_broker_keeps_items(tmp_path: Path) -> None:
    broker = BrokerSettings("127.0.0.1", free_port(), password="unused")
    queue: BatchQueue = await SqliteQueue.open(tmp_path / "q.sqlite3")
    seq = MemorySeqCounter()
    await enqueue(Batcher("dlv-nobroker", queue, seq), 5)
    delivery = Delivery("dlv-nobroker", broker, queue, seq, settings=FAST)
    task = asyncio.create_task(delivery.run())
    await wait_for(lambda: delivery.metrics.reconnects >= 3, 10, "reconnect attempts")
    assert "refused" in (delivery.metrics.last_connect_error or "").lower()
    await asyncio.wait_for(delivery.stop(deadline_s=1), 5)
    await task
    assert await queue.depth() == 5
    snapshot = delivery.metrics.snapshot()
    assert snapshot["connected"] is False and "unused" not in str(snapshot)
    await queue.close()


@pytest.mark.parametrize("window", [1, 20])
async def test_window_sizes_deliver_everything(mosquitto, window: int) -> None:  # type: ignore[no-untyped-def]
    agent_id, broker = agent(mosquitto, f"dlv-win{window}")
    queue = MemoryQueue()
    seq = MemorySeqCounter()
    expected = await enqueue(Batcher(agent_id, queue, seq), 50)
    settings = DeliverySettings(window=window, health_interval_s=3600, idle_poll_s=0.05)
    delivery = Delivery(agent_id, broker, queue, seq, settings=settings)
    with hub_for(mosquitto, agent_id) as hub:
        async with running(delivery):
            await wait_for(lambda: len(hub.telemetry_seqs()) >= 50, 10, "50 batches")
    assert hub.telemetry_seqs() == expected


async def test_cancelled_run_still_leaves_the_lwt(mosquitto) -> None:  # type: ignore[no-untyped-def]
    agent_id, broker = agent(mosquitto, "dlv-cancel")
    delivery = Delivery(agent_id, broker, MemoryQueue(), MemorySeqCounter(), settings=FAST)
    with hub_for(mosquitto, agent_id) as hub:
        task = asyncio.create_task(delivery.run())
        await wait_for(lambda: any(s.state == "online" for s in hub.states()), 10, "birth")
        task.cancel()  # not a clean stop: DISCONNECT reason 4 asks the broker for the Will
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await wait_for(lambda: any(s.state == "offline" for s in hub.states()), 10, "the LWT")
    assert hub.states()[-1].reason == "lwt"
