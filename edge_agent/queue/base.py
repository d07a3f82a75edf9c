"""The queue contract: what a batch on its way to the broker looks like and how it is kept.

Telegraf-buffer style: one :class:`BatchQueue` protocol, a memory and a disk implementation,
one contract test suite run against both (``tests/agent_delivery/test_queue_contract.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol, runtime_checkable

from protocol import MAX_MESSAGE_BYTES, Channel

__all__ = [
    "DEFAULT_MAX_AGE_S",
    "DEFAULT_MAX_BYTES",
    "BatchQueue",
    "DropReport",
    "QueueItem",
    "QueueLimits",
    "QueuedItem",
    "SeqCounter",
]

log = logging.getLogger("edge_agent.queue")

# Sized in docs/agent-delivery.md: a 200-device POP produces ~2.6 GB/day of compressed
# telemetry, so 4 GiB holds a 24 h WAN outage with margin on a 16 GB SD card.
DEFAULT_MAX_BYTES: Final = 4 * 1024**3
DEFAULT_MAX_AGE_S: Final = 48 * 3600.0


@dataclass(frozen=True)
class QueueLimits:
    """Bounds of a queue; the oldest batches are dropped first when one is exceeded."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_age_s: float = DEFAULT_MAX_AGE_S

    def __post_init__(self) -> None:
        if self.max_bytes < MAX_MESSAGE_BYTES:
            raise ValueError(
                f"queue max_bytes={self.max_bytes}: below one message ({MAX_MESSAGE_BYTES}); "
                "raise it (default 4 GiB)"
            )
        if self.max_age_s <= 0:
            raise ValueError(f"queue max_age_s={self.max_age_s}: must be > 0 (default 48 h)")


@dataclass(frozen=True)
class QueueItem:
    """One encoded protocol message waiting for its PUBACK, with what it is about."""

    channel: Channel
    payload: bytes
    seq: int
    devices: tuple[str, ...] = ()
    samples: int = 0


@dataclass(frozen=True)
class QueuedItem:
    """A :class:`QueueItem` as stored: its queue id and when it was enqueued (epoch s)."""

    id: int
    item: QueueItem
    enqueued_at: float


@dataclass
class DropReport:
    """What a bound enforcement removed, for the log line and the dropped-samples count."""

    reason: str
    batches: int = 0
    samples: int = 0
    seqs: list[int] = field(default_factory=list)

    def log(self) -> None:
        """Warn about the drop: losing data is never silent."""
        if self.batches:
            first, last = min(self.seqs), max(self.seqs)
            log.warning(
                "queue.dropped reason=%s batches=%d samples=%d seq_first=%d seq_last=%d",
                self.reason, self.batches, self.samples, first, last,
            )


@runtime_checkable
class BatchQueue(Protocol):
    """Durable FIFO of encoded batches; an item leaves only by ``ack`` or by a bound."""

    async def put(self, item: QueueItem) -> QueuedItem:
        """Store ``item`` (committed when this returns), then enforce the bounds."""
        ...

    async def peek(self, n: int) -> list[QueuedItem]:
        """Up to ``n`` oldest items, oldest first, without removing them."""
        ...

    async def ack(self, ids: Sequence[int]) -> int:
        """Remove these items (after their PUBACK); return how many were still present."""
        ...

    async def depth(self) -> int:
        """Number of items waiting."""
        ...

    async def bytes(self) -> int:
        """Bytes the waiting items occupy in this queue's storage."""
        ...

    async def oldest_age(self) -> float:
        """Seconds since the oldest waiting item was enqueued; 0 when empty."""
        ...

    async def dropped_samples(self) -> int:
        """Samples dropped by the bounds, cumulative over the queue's life."""
        ...

    async def close(self) -> None:
        """Release resources; committed items stay (for a durable queue)."""
        ...


@runtime_checkable
class SeqCounter(Protocol):
    """The agent's message sequence: strictly increasing, also across restarts."""

    async def take(self, n: int = 1) -> int:
        """Reserve ``n`` consecutive numbers and return the first (persisted first)."""
        ...
