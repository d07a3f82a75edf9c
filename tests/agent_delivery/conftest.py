"""Fixtures of the delivery tests: each queue implementation, opened per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from edge_agent.queue import BatchQueue, MemoryQueue, QueueLimits, SqliteQueue

MakeQueue = Callable[..., Awaitable[BatchQueue]]


@pytest.fixture(params=["memory", "sqlite"])
async def make_queue(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[MakeQueue]:
    """A factory for the queue implementation under test (the contract runs on both)."""
    opened: list[BatchQueue] = []

    async def make(limits: QueueLimits | None = None, clock: Callable[[], float] | None = None,
                   ) -> BatchQueue:
        kwargs = {"clock": clock} if clock is not None else {}
        if request.param == "memory":
            queue: BatchQueue = MemoryQueue(limits, **kwargs)
        else:
            queue = await SqliteQueue.open(tmp_path / "queue.sqlite3", limits, **kwargs)
        opened.append(queue)
        return queue

    yield make
    for queue in opened:
        await queue.close()
