"""In-memory :class:`~edge_agent.queue.base.BatchQueue` for tests and demos (lost on exit)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from edge_agent.queue.base import DropReport, QueuedItem, QueueItem, QueueLimits

__all__ = ["MemoryQueue", "MemorySeqCounter"]


class MemoryQueue:
    """A bounded FIFO in a dict; same contract as the SQLite queue, minus durability."""

    def __init__(
        self, limits: QueueLimits | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._limits = limits or QueueLimits()
        self._clock = clock
        self._items: OrderedDict[int, QueuedItem] = OrderedDict()
        self._next_id = 1
        self._bytes = 0
        self._dropped = 0

    async def put(self, item: QueueItem) -> QueuedItem:
        """Append ``item`` and drop the oldest items that break a bound."""
        queued = QueuedItem(self._next_id, item, self._clock())
        self._next_id += 1
        self._items[queued.id] = queued
        self._bytes += len(item.payload)
        self._enforce()
        return queued

    async def peek(self, n: int) -> list[QueuedItem]:
        """Up to ``n`` oldest items (aged-out ones are dropped first)."""
        self._enforce()
        result: list[QueuedItem] = []
        for queued in self._items.values():
            if len(result) >= n:
                break
            result.append(queued)
        return result

    async def ack(self, ids: Sequence[int]) -> int:
        """Remove the acknowledged items."""
        removed = 0
        for item_id in ids:
            queued = self._items.pop(item_id, None)
            if queued is not None:
                self._bytes -= len(queued.item.payload)
                removed += 1
        return removed

    async def depth(self) -> int:
        """Number of waiting items."""
        return len(self._items)

    async def bytes(self) -> int:
        """Payload bytes held."""
        return self._bytes

    async def oldest_age(self) -> float:
        """Age of the oldest item in seconds; 0 when empty."""
        if not self._items:
            return 0.0
        oldest = next(iter(self._items.values()))
        return max(0.0, self._clock() - oldest.enqueued_at)

    async def dropped_samples(self) -> int:
        """Samples dropped by the bounds since this queue was created."""
        return self._dropped

    async def close(self) -> None:
        """Nothing to release."""

    def _enforce(self) -> None:
        cutoff = self._clock() - self._limits.max_age_s
        aged = DropReport("age")
        while self._items and next(iter(self._items.values())).enqueued_at < cutoff:
            self._drop_oldest(aged)
        full = DropReport("bytes")
        while self._bytes > self._limits.max_bytes:
            self._drop_oldest(full)
        for report in (aged, full):
            report.log()

    def _drop_oldest(self, report: DropReport) -> None:
        _, queued = self._items.popitem(last=False)
        self._bytes -= len(queued.item.payload)
        self._dropped += queued.item.samples
        report.batches += 1
        report.samples += queued.item.samples
        report.seqs.append(queued.item.seq)


class MemorySeqCounter:
    """A :class:`~edge_agent.queue.base.SeqCounter` that restarts at ``start`` (tests only)."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    async def take(self, n: int = 1) -> int:
        """Reserve ``n`` numbers."""
        first = self._next
        self._next += n
        return first
