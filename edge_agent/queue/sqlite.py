"""Durable :class:`~edge_agent.queue.base.BatchQueue` in one SQLite file (WAL mode).

Durability choice: ``journal_mode=WAL`` with ``synchronous=FULL``. WAL alone (NORMAL)
survives a process crash (``kill -9``) but a power cut may roll back the last commits;
that would re-issue sequence numbers the hub has already seen (and deduplicates away)
and lose the last enqueued batches. POP boxes do lose power, and we commit only a few
times a minute, so the fsync per commit is cheap insurance.

All SQLite work runs on one dedicated thread so the event loop never blocks on disk.
Payloads are stored zlib-compressed when that is smaller (protocol JSON shrinks ~10x),
which is what lets a 24 h outage fit on an SD card (docs/agent-delivery.md).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from edge_agent.queue.base import DropReport, QueuedItem, QueueItem, QueueLimits
from protocol import Channel

__all__ = ["SqliteQueue", "SqliteSeqCounter"]

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    -- AUTOINCREMENT: an id is never reused, so an id still in flight stays unique.
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    devices     TEXT    NOT NULL,
    samples     INTEGER NOT NULL,
    enqueued_at REAL    NOT NULL,
    size        INTEGER NOT NULL,
    compressed  INTEGER NOT NULL,
    payload     BLOB    NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=5000",
    # Truncate the WAL after checkpoints so it does not keep its high-water size.
    "PRAGMA journal_size_limit=67108864",
)
COLUMNS = "id, channel, seq, devices, samples, enqueued_at, compressed, payload"


class _Store:
    """Synchronous core; only ever called from the queue's own thread."""

    def __init__(self, path: Path, limits: QueueLimits, clock: Callable[[], float]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.limits = limits
        self.clock = clock
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in PRAGMAS:
            self.db.execute(pragma)
        self.db.executescript(SCHEMA)
        # A fresh file starts seq at the clock in ms (the queue's clock, so tests can fake
        # it): with a sane clock a replaced SD card or a deleted state file then continues
        # above what the hub has seen. A clock far behind (a box booted at 1970) gives a low
        # start; the hub takes that as a restarted sequence, not a replay (docs/ingest.md).
        self._init_meta("next_seq", max(1, int(clock() * 1000)))
        self._init_meta("dropped_samples", 0)

    def _init_meta(self, key: str, value: int) -> None:
        self.db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _meta(self, key: str) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return int(row[0])

    def transaction(self, work: Callable[[], T]) -> T:
        """Run ``work`` in one IMMEDIATE transaction (one fsync at COMMIT)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            result = work()
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return result

    def put(self, item: QueueItem) -> QueuedItem:
        packed = zlib.compress(item.payload)
        compressed = len(packed) < len(item.payload)
        blob = packed if compressed else item.payload
        now = self.clock()
        cursor = self.db.execute(
            "INSERT INTO batches (channel, seq, devices, samples, enqueued_at, size, compressed,"
            " payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item.channel.value, item.seq, json.dumps(item.devices), item.samples, now,
             len(blob), int(compressed), blob),
        )
        assert cursor.lastrowid is not None
        self.enforce()
        return QueuedItem(cursor.lastrowid, item, now)

    def peek(self, n: int) -> list[QueuedItem]:
        first = self.db.execute("SELECT enqueued_at FROM batches ORDER BY id LIMIT 1").fetchone()
        if first is not None and first[0] < self.clock() - self.limits.max_age_s:
            self.transaction(self.enforce)
        rows = self.db.execute(
            f"SELECT {COLUMNS} FROM batches ORDER BY id LIMIT ?", (n,)  # noqa: S608
        ).fetchall()
        return [_row_to_item(row) for row in rows]

    def ack(self, ids: Sequence[int]) -> int:
        removed = 0
        for item_id in ids:
            removed += self.db.execute("DELETE FROM batches WHERE id = ?", (item_id,)).rowcount
        return removed

    def stats(self) -> tuple[int, int, float | None]:
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0), MIN(enqueued_at) FROM batches"
        ).fetchone()
        return int(row[0]), int(row[1]), row[2]

    def take_seq(self, n: int) -> int:
        first = self._meta("next_seq")
        self.db.execute("UPDATE meta SET value = ? WHERE key = 'next_seq'", (first + n,))
        return first

    def dropped(self) -> int:
        return self._meta("dropped_samples")

    def enforce(self) -> None:
        """Drop aged-out items, then the oldest until the byte bound holds (in a txn)."""
        cutoff = self.clock() - self.limits.max_age_s
        aged = self.db.execute(
            "SELECT id, seq, samples FROM batches WHERE enqueued_at < ? ORDER BY id", (cutoff,)
        ).fetchall()
        self._drop(aged, DropReport("age"))
        excess = self.stats()[1] - self.limits.max_bytes
        if excess > 0:
            self._drop(self._oldest_covering(excess), DropReport("bytes"))

    def _oldest_covering(self, excess: int) -> list[tuple[int, int, int]]:
        chosen: list[tuple[int, int, int]] = []
        for item_id, seq, samples, size in self.db.execute(
            "SELECT id, seq, samples, size FROM batches ORDER BY id"
        ):
            chosen.append((item_id, seq, samples))
            excess -= size
            if excess <= 0:
                break
        return chosen

    def _drop(self, rows: list[tuple[int, int, int]], report: DropReport) -> None:
        if not rows:
            return
        self.db.executemany("DELETE FROM batches WHERE id = ?", [(row[0],) for row in rows])
        report.batches = len(rows)
        report.samples = sum(row[2] for row in rows)
        report.seqs = [row[1] for row in rows]
        self.db.execute(
            "UPDATE meta SET value = value + ? WHERE key = 'dropped_samples'", (report.samples,)
        )
        report.log()


def _row_to_item(row: tuple[Any, ...]) -> QueuedItem:
    item_id, channel, seq, devices, samples, enqueued_at, compressed, blob = row
    payload = zlib.decompress(blob) if compressed else bytes(blob)
    item = QueueItem(Channel(channel), payload, seq, tuple(json.loads(devices)), samples)
    return QueuedItem(item_id, item, enqueued_at)


class SqliteQueue:
    """The agent's durable queue: one SQLite file under the agent's state directory.

    Open with ``await SqliteQueue.open(path)``; one process owns the file at a time.
    """

    def __init__(self, store: _Store, executor: ThreadPoolExecutor) -> None:
        self._store = store
        self._executor = executor
        self.path = store.path

    @classmethod
    async def open(
        cls,
        path: Path,
        limits: QueueLimits | None = None,
        clock: Callable[[], float] = time.time,
    ) -> SqliteQueue:
        """Open (creating if needed) the queue file at ``path``."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="queue-sqlite")
        loop = asyncio.get_running_loop()
        try:
            store = await loop.run_in_executor(
                executor, _Store, Path(path), limits or QueueLimits(), clock
            )
        except sqlite3.Error as exc:
            executor.shutdown(wait=False)
            raise OSError(
                f"queue {path}: cannot open ({exc}); check the state directory is writable "
                "and not full"
            ) from exc
        return cls(store, executor)

    async def _run(self, work: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)

    async def _txn(self, work: Callable[..., T], *args: Any) -> T:
        return await self._run(self._store.transaction, lambda: work(*args))

    async def put(self, item: QueueItem) -> QueuedItem:
        """Commit ``item`` to disk (fsync), then enforce the bounds in the same commit."""
        return await self._txn(self._store.put, item)

    async def peek(self, n: int) -> list[QueuedItem]:
        """Up to ``n`` oldest items (aged-out ones are dropped first)."""
        return await self._run(self._store.peek, n)

    async def ack(self, ids: Sequence[int]) -> int:
        """Delete the acknowledged items in one commit."""
        return await self._txn(self._store.ack, list(ids))

    async def depth(self) -> int:
        """Number of waiting items."""
        return (await self._run(self._store.stats))[0]

    async def bytes(self) -> int:
        """Stored (compressed) bytes of the waiting items: what they cost on disk."""
        return (await self._run(self._store.stats))[1]

    async def oldest_age(self) -> float:
        """Age of the oldest item in seconds; 0 when empty."""
        oldest = (await self._run(self._store.stats))[2]
        return 0.0 if oldest is None else max(0.0, self._store.clock() - oldest)

    async def dropped_samples(self) -> int:
        """Samples dropped by the bounds over the file's whole life (persisted)."""
        return await self._run(self._store.dropped)

    def seq_counter(self) -> SqliteSeqCounter:
        """The agent's seq counter, persisted in this same file."""
        return SqliteSeqCounter(self)

    async def close(self) -> None:
        """Close the file and stop the thread; committed items stay on disk."""
        await self._run(self._store.db.close)
        self._executor.shutdown(wait=True)


class SqliteSeqCounter:
    """:class:`~edge_agent.queue.base.SeqCounter` whose next value is committed before use."""

    def __init__(self, queue: SqliteQueue) -> None:
        self._queue = queue

    async def take(self, n: int = 1) -> int:
        """Reserve ``n`` numbers; the new high-water mark is on disk when this returns."""
        if n < 1:
            raise ValueError(f"seq take n={n}: must be >= 1")
        return await self._queue._txn(self._queue._store.take_seq, n)
