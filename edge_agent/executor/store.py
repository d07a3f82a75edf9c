"""Durable job memory in the agent's state dir (SQLite): idempotency keys and backup hashes.

A re-delivered job (same idempotency key) gets the remembered result without touching the
device again, across agent restarts. A key left `running` by a killed agent is resolved to
a definite failure the next time it is seen, never left hanging.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from protocol import JobResult

__all__ = ["JOBS_FILE", "JobStore", "Remembered"]

JOBS_FILE = "jobs.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    idempotency_key TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    device TEXT NOT NULL,
    action TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    result TEXT,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS backups (
    device TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Remembered:
    """What the store knows about a key: still running (no result) or done."""

    job_id: str
    state: str
    result: JobResult | None


class JobStore:
    """Thread-safe; every write is committed before the call returns."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def claim(self, key: str, job_id: str, device: str, action: str) -> Remembered | None:
        """Mark `key` running and return None, or return what is already remembered."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO jobs VALUES (?, ?, ?, ?, 'running', NULL, ?)",
                (key, job_id, device, action, time.time()))
            if cursor.rowcount == 1:
                return None
            return self._get(key)

    def get(self, key: str) -> Remembered | None:
        """What is remembered about `key`, if anything."""
        with self._lock:
            return self._get(key)

    def _get(self, key: str) -> Remembered | None:
        row = self._db.execute("SELECT job_id, state, result FROM jobs WHERE idempotency_key=?",
                               (key,)).fetchone()
        if row is None:
            return None
        result = JobResult.model_validate_json(row[2]) if row[2] else None
        return Remembered(row[0], row[1], result)

    def finish(self, key: str, result: JobResult) -> None:
        """Remember the final result of `key` (durable on return)."""
        with self._lock:
            self._db.execute(
                "UPDATE jobs SET state='done', result=?, updated_at=? WHERE idempotency_key=?",
                (result.model_dump_json(), time.time(), key))

    def backup_hash(self, device: str) -> str | None:
        """The sha256 of the last backup of `device` this agent took."""
        with self._lock:
            row = self._db.execute("SELECT sha256 FROM backups WHERE device=?",
                                   (device,)).fetchone()
        return None if row is None else str(row[0])

    def set_backup_hash(self, device: str, sha256: str) -> None:
        """Remember the hash of the latest backup of `device`."""
        with self._lock:
            self._db.execute("INSERT INTO backups VALUES (?, ?, ?) ON CONFLICT(device) "
                             "DO UPDATE SET sha256=excluded.sha256, updated_at=excluded.updated_at",
                             (device, sha256, time.time()))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
