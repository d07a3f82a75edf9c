"""One contract, two queues: MemoryQueue and SqliteQueue must behave the same."""

from __future__ import annotations

import logging
import os

import pytest

from edge_agent.queue import BatchQueue, MemorySeqCounter, QueueItem, QueueLimits, SqliteQueue
from protocol import MAX_MESSAGE_BYTES, Channel
from tests.agent_delivery.conftest import MakeQueue
from tests.agent_delivery.helpers import Clock

KIB = 1024


def item(seq: int, size: int = 100, samples: int = 10, device: str = "sw1") -> QueueItem:
    """An incompressible payload, so stored bytes equal payload bytes in both queues."""
    return QueueItem(Channel.TELEMETRY, os.urandom(size), seq, (device,), samples)


async def test_peek_is_oldest_first_and_does_not_remove(make_queue: MakeQueue) -> None:
    queue = await make_queue()
    assert isinstance(queue, BatchQueue)
    for seq in range(1, 6):
        await queue.put(item(seq))
    first = await queue.peek(3)
    assert [q.item.seq for q in first] == [1, 2, 3]
    assert [q.item.seq for q in await queue.peek(10)] == [1, 2, 3, 4, 5]
    assert await queue.depth() == 5


async def test_item_round_trips_with_metadata(make_queue: MakeQueue) -> None:
    clock = Clock()
    queue = await make_queue(clock=clock)
    original = QueueItem(Channel.INVENTORY, b'{"type":"inventory"}', 42, ("r1", "r2"), 0)
    queued = await queue.put(original)
    [peeked] = await queue.peek(1)
    assert peeked == queued
    assert peeked.item == original
    assert peeked.enqueued_at == clock.now


async def test_ack_removes_only_the_given_items(make_queue: MakeQueue) -> None:
    queue = await make_queue()
    ids = [(await queue.put(item(seq))).id for seq in range(1, 5)]
    assert await queue.ack([ids[1], ids[3]]) == 2
    assert [q.item.seq for q in await queue.peek(10)] == [1, 3]
    assert await queue.ack([ids[1]]) == 0  # a redelivered PUBACK is harmless
    assert await queue.depth() == 2


async def test_ids_are_never_reused(make_queue: MakeQueue) -> None:
    queue = await make_queue()
    first = await queue.put(item(1))
    await queue.ack([first.id])
    second = await queue.put(item(2))
    assert second.id > first.id


async def test_bytes_follow_puts_and_acks(make_queue: MakeQueue) -> None:
    queue = await make_queue()
    assert await queue.bytes() == 0
    a = await queue.put(item(1, size=1000))
    await queue.put(item(2, size=3000))
    assert await queue.bytes() == 4000
    await queue.ack([a.id])
    assert await queue.bytes() == 3000


async def test_oldest_age(make_queue: MakeQueue) -> None:
    clock = Clock()
    queue = await make_queue(clock=clock)
    assert await queue.oldest_age() == 0.0
    await queue.put(item(1))
    clock.now += 30
    await queue.put(item(2))
    clock.now += 12.5
    assert await queue.oldest_age() == pytest.approx(42.5)


async def test_byte_bound_drops_oldest_and_counts_samples(
    make_queue: MakeQueue, caplog: pytest.LogCaptureFixture
) -> None:
    queue = await make_queue(QueueLimits(max_bytes=MAX_MESSAGE_BYTES))
    for seq in range(1, 4):  # 3 x 100 KiB fit a 256 KiB bound only after dropping one
        await queue.put(item(seq, size=100 * KIB, samples=7))
    with caplog.at_level(logging.WARNING, logger="edge_agent.queue"):
        await queue.put(item(4, size=100 * KIB, samples=7))
    assert [q.item.seq for q in await queue.peek(10)] == [3, 4]
    assert await queue.bytes() <= MAX_MESSAGE_BYTES
    assert await queue.dropped_samples() == 14
    assert "queue.dropped reason=bytes batches=1 samples=7 seq_first=2" in caplog.text


async def test_age_bound_drops_oldest_and_counts_samples(
    make_queue: MakeQueue, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    queue = await make_queue(QueueLimits(max_age_s=3600), clock=clock)
    await queue.put(item(1, samples=5))
    clock.now += 1800
    await queue.put(item(2, samples=6))
    clock.now += 1801  # item 1 is now older than an hour, item 2 is not
    with caplog.at_level(logging.WARNING, logger="edge_agent.queue"):
        assert [q.item.seq for q in await queue.peek(10)] == [2]
    assert await queue.dropped_samples() == 5
    assert "reason=age" in caplog.text
    clock.now += 3600
    await queue.put(item(3, samples=1))
    assert [q.item.seq for q in await queue.peek(10)] == [3]
    assert await queue.dropped_samples() == 11


def test_limits_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        QueueLimits(max_bytes=1000)
    with pytest.raises(ValueError, match="max_age_s"):
        QueueLimits(max_age_s=0)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_seq_counter_is_strictly_increasing(kind: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    queue = await SqliteQueue.open(tmp_path / "q.sqlite3")
    counter = queue.seq_counter() if kind == "sqlite" else MemorySeqCounter()
    first = await counter.take()
    block = await counter.take(5)
    after = await counter.take()
    assert first < block and block + 5 == after
    await queue.close()
