"""What only the durable queue promises: WAL + fsync, reopen, kill -9, persisted seq."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from edge_agent.queue import QueueItem, QueueLimits, SqliteQueue
from protocol import MAX_MESSAGE_BYTES, Channel
from tests.agent_delivery.helpers import Clock

REPO = Path(__file__).resolve().parents[2]


async def test_wal_mode_and_full_sync(tmp_path: Path) -> None:
    queue = await SqliteQueue.open(tmp_path / "q.sqlite3")
    db = queue._store.db
    pragmas = await queue._run(
        lambda: (db.execute("PRAGMA journal_mode").fetchone()[0],
                 db.execute("PRAGMA synchronous").fetchone()[0])
    )
    assert pragmas == ("wal", 2)  # 2 = FULL: the WAL is fsynced at every commit
    await queue.close()


async def test_work_runs_off_the_event_loop_thread(tmp_path: Path) -> None:
    queue = await SqliteQueue.open(tmp_path / "q.sqlite3")
    worker = await queue._run(threading.current_thread)
    assert worker is not threading.current_thread()
    assert worker.name.startswith("queue-sqlite")
    await queue.close()


async def test_everything_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "state" / "queue.sqlite3"
    limits = QueueLimits(max_bytes=MAX_MESSAGE_BYTES)
    queue = await SqliteQueue.open(path, limits)
    seqs = [await queue.seq_counter().take() for _ in range(4)]
    ids = [(await queue.put(QueueItem(Channel.TELEMETRY, os.urandom(100 * 1024), s, ("sw1",), 9)))
           .id for s in seqs[:3]]  # the third put drops the first (byte bound)
    await queue.ack([ids[1]])
    await queue.close()

    reopened = await SqliteQueue.open(path, limits)
    assert [q.item.seq for q in await reopened.peek(10)] == [seqs[2]]
    assert await reopened.dropped_samples() == 9
    assert await reopened.seq_counter().take() > max(seqs)
    await reopened.close()


async def test_payloads_are_compressed_on_disk_and_round_trip(tmp_path: Path) -> None:
    queue = await SqliteQueue.open(tmp_path / "q.sqlite3")
    payload = b'{"device":"pop1-sw01","metric":"if_hc_in_octets","value":1},' * 2000
    await queue.put(QueueItem(Channel.TELEMETRY, payload, 1, ("pop1-sw01",), 2000))
    assert await queue.bytes() < len(payload) // 10
    [queued] = await queue.peek(1)
    assert queued.item.payload == payload
    await queue.close()


async def test_fresh_file_starts_seq_from_the_clock(tmp_path: Path) -> None:
    # A replaced state file must not restart at 1: the hub would deduplicate new data away.
    queue = await SqliteQueue.open(tmp_path / "q.sqlite3", clock=Clock())
    assert await queue.seq_counter().take() > 1_600_000_000_000
    await queue.close()


def write_until_killed(path: Path, before_kill: int) -> list[int]:
    """Run the writer subprocess, SIGKILL it mid-stream; return the seqs it reported committed."""
    writer = subprocess.Popen(
        [sys.executable, str(REPO / "tests/agent_delivery/_queue_writer.py"), str(path)],
        stdout=subprocess.PIPE, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert writer.stdout is not None
    committed = [int(writer.stdout.readline()) for _ in range(before_kill)]
    writer.send_signal(signal.SIGKILL)  # mid-stream: a put may be half done right now
    writer.wait(timeout=10)
    return committed + [int(line) for line in writer.stdout.read().split()]


async def test_kill_9_keeps_every_committed_item(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    committed = write_until_killed(path, before_kill=200)

    queue = await SqliteQueue.open(path)
    stored = [q.item.seq for q in await queue.peek(100_000)]
    assert stored[: len(committed)] == committed  # all, in order; at most one more after
    assert len(stored) - len(committed) <= 1
    assert await queue.seq_counter().take() > max(stored)  # seq never goes back
    await queue.close()
