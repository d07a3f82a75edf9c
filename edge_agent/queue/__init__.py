"""The agent's outgoing queue: encoded protocol messages wait here for their PUBACK.

Typical use::

    queue = await SqliteQueue.open(state_dir / "queue.sqlite3")
    seq = queue.seq_counter()
    await queue.put(QueueItem(Channel.TELEMETRY, payload, seq=await seq.take()))
    for queued in await queue.peek(20):
        ...  # publish, await PUBACK
        await queue.ack([queued.id])

See docs/agent-delivery.md for the bounds and their sizing.
"""

from edge_agent.queue.base import (
    DEFAULT_MAX_AGE_S,
    DEFAULT_MAX_BYTES,
    BatchQueue,
    QueuedItem,
    QueueItem,
    QueueLimits,
    SeqCounter,
)
from edge_agent.queue.memory import MemoryQueue, MemorySeqCounter
from edge_agent.queue.sqlite import SqliteQueue, SqliteSeqCounter

__all__ = [
    "DEFAULT_MAX_AGE_S",
    "DEFAULT_MAX_BYTES",
    "BatchQueue",
    "MemoryQueue",
    "MemorySeqCounter",
    "QueueItem",
    "QueueLimits",
    "QueuedItem",
    "SeqCounter",
    "SqliteQueue",
    "SqliteSeqCounter",
]
