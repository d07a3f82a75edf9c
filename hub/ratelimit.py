"""Fixed-window rate counters kept in the database, so every hub process shares them.

`hit`/`count`/`enforce` go to the database every time (logins, enrollment: rare and must be
exact); `SharedCounters` serves the per-request limits from memory and syncs in batches.

A counter's key is `counter_key(limit, subject)`: the limit's name and a SHA-256 of what is
counted (an address, an API-key prefix, an e-mail). Keys are therefore always short, whatever
a client sends, and the table never holds a token or an e-mail (issue #16).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass

from sqlalchemy import BigInteger, Integer, String, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base
from hub.errors import RateLimitedError

log = logging.getLogger("dotmac.hub.ratelimit")
_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
KEY_LENGTH = 200  # the column's width; counter_key's keys are far shorter
PRUNE_EVERY_S = 300.0  # how often a process deletes rows of long-finished windows


def counter_key(limit: str, subject: str) -> str:
    """The key counting `subject` (an address, a key prefix, an e-mail) against `limit`
    (`ip`, `login-fail:acct`...): the limit's name and a SHA-256 of the subject, so a key is
    short however long the subject, and no secret or e-mail is stored."""
    return f"{limit}:{hashlib.sha256(subject.encode()).hexdigest()}"


def _bounded(key: str) -> str:
    """`key` as stored: one too long for the column (a caller that did not use `counter_key`)
    is hashed whole rather than refused by the database."""
    if len(key) <= KEY_LENGTH:
        return key
    return counter_key("oversized", key)


class RateCounter(Base):
    """Hits of one key (`counter_key`) within the window starting at `window_start`."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class Window:
    """The current window of a given length and the seconds left in it."""

    start: int
    retry_after: int

    @classmethod
    def now(cls, seconds: int) -> Window:
        """The window containing the present moment."""
        now = int(time.time())
        start = now - now % seconds
        return cls(start, start + seconds - now)


async def hit(engine: AsyncEngine, key: str, window: Window) -> int:
    """Add one hit to `key` in `window` (atomic upsert) and return the new count."""
    key = _bounded(key)
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(RateCounter).values(key=key, window_start=window.start, hits=1)
    stmt = stmt.on_conflict_do_update(index_elements=["key", "window_start"],
                                      set_={"hits": RateCounter.hits + 1})
    # Its own short transaction: the count must stick even when the request fails. A lost
    # counter costs nothing on a crash, so PostgreSQL need not wait for the WAL flush.
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(_ASYNC_COMMIT)
        hits = (await conn.execute(stmt.returning(RateCounter.hits))).scalar_one()
        if hits == 1:  # first hit of a new window: forget this key's older windows
            await conn.execute(delete(RateCounter).where(
                RateCounter.key == key, RateCounter.window_start < window.start))
    return int(hits)


async def prune(engine: AsyncEngine, before: int) -> int:
    """Delete the rows of windows that started before `before` (epoch seconds)."""
    async with engine.begin() as conn:
        done = await conn.execute(delete(RateCounter).where(RateCounter.window_start < before))
    pruned = int(done.rowcount or 0)
    if pruned:
        log.info("ratelimit.pruned rows=%d", pruned)
    return pruned


async def count(engine: AsyncEngine, key: str, window: Window) -> int:
    """Hits of `key` in `window` so far, without adding one."""
    key = _bounded(key)
    async with engine.connect() as conn:
        found = await conn.scalar(select(RateCounter.hits).where(
            RateCounter.key == key, RateCounter.window_start == window.start))
    return int(found or 0)


async def enforce(engine: AsyncEngine, key: str, limit: int, seconds: int) -> None:
    """Count a request against `key`; raise 429 with Retry-After once `limit` is passed."""
    window = Window.now(seconds)
    if await hit(engine, key, window) > limit:
        raise RateLimitedError(window.retry_after, "rate limit exceeded; retry after the "
                          "Retry-After seconds")


CounterKey = tuple[str, int]  # (key, window_start)
_SYNC_CHUNK = 500  # slots per transaction: a flood of distinct keys makes several short ones
MAX_PENDING_SLOTS = 100_000  # unsynced slots kept through a database outage (~10 MB)
_REFUSED_ROW = (DataError, IntegrityError)  # the database refused a row, not the connection


class SharedCounters:
    """Per-request rate limits without a database round trip on every request.

    Each hub process counts locally and folds its new hits into `rate_counters` at most once
    per `sync_interval` seconds (a background task started with the app; without it, the
    request that finds a sync due does it), learning the other processes' totals for those
    keys in the same statements. A decision is `hits known from the database + hits not yet
    synced`, so a single process is exact and N processes can overshoot a limit by about
    what the others took within two sync intervals. If the database is unreachable the
    unsynced hits are kept for the next sync (at most `max_pending_slots` of them: slots of
    windows already over go first) and requests are judged on the local count (the request
    itself then fails on its own database access anyway). A slot the database refuses is
    dropped and counted (`dropped_slots`), so one bad row cannot stop every later sync.
    """

    def __init__(self, engine: AsyncEngine, sync_interval: float = 1.0,
                 max_pending_slots: int = MAX_PENDING_SLOTS, retain_s: int | None = None,
                 prune_every_s: float = PRUNE_EVERY_S) -> None:
        self.engine = engine
        self.sync_interval = sync_interval
        self.max_pending_slots = max_pending_slots
        # Rows of windows that started more than `retain_s` ago are deleted by the background
        # task (None: never): a key that stops counting (an address gone, a login e-mail
        # tried once) would otherwise keep its last row for ever.
        self.retain_s = retain_s
        self.prune_every_s = prune_every_s
        self._last_prune = time.monotonic()
        self.dropped_slots = 0  # slots given up: refused by the database, or over the bound
        self._known: dict[CounterKey, int] = {}
        self._pending: dict[CounterKey, int] = {}
        self._syncing: dict[CounterKey, int] = {}  # hits on their way to the database
        self._ends: dict[CounterKey, int] = {}  # when each slot's window is over
        self._last_sync = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    @property
    def pending_slots(self) -> int:
        """Slots whose hits have not reached the database yet."""
        return len(self._pending) + len(self._syncing)

    def start(self) -> None:
        """Sync every `sync_interval` seconds in the background (call inside the event loop)."""
        if self._task is None and self.sync_interval > 0:
            self._task = asyncio.get_running_loop().create_task(self._every_interval())

    async def stop(self) -> None:
        """Stop the background sync and fold in the last hits."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.sync()

    async def _every_interval(self) -> None:
        while True:
            await asyncio.sleep(self.sync_interval)
            await self.sync()
            if time.monotonic() - self._last_prune >= self.prune_every_s:
                await self.prune_expired()

    async def prune_expired(self) -> int:
        """Delete every key's rows of windows older than `retain_s`; the number deleted
        (0 when retention is off or the database is unreachable: it is tried again later)."""
        self._last_prune = time.monotonic()
        if self.retain_s is None:
            return 0
        try:
            return await prune(self.engine, int(time.time()) - self.retain_s)
        except Exception as exc:  # housekeeping must never stop the sync task
            log.warning("ratelimit.prune_failed error=%s", type(exc).__name__)
            return 0

    async def enforce(self, key: str, limit: int, seconds: int) -> None:
        """Count one request against `key`; 429 with Retry-After once `limit` is passed."""
        window = Window.now(seconds)
        slot = (_bounded(key), window.start)
        self._pending[slot] = self._pending.get(slot, 0) + 1
        self._ends[slot] = window.start + seconds
        due = time.monotonic() - self._last_sync >= self.sync_interval
        if due and self._task is None and not self._syncing:
            await self.sync()
        hits = (self._known.get(slot, 0) + self._syncing.get(slot, 0)
                + self._pending.get(slot, 0))
        if hits > limit:
            raise RateLimitedError(window.retry_after, "rate limit exceeded; retry after the "
                                   "Retry-After seconds")

    async def sync(self) -> None:
        """Fold the unsynced hits into the database and learn the shared totals."""
        self._last_sync = time.monotonic()
        if not self._pending or self._syncing:
            return
        self._syncing, self._pending = self._pending, {}
        done: set[CounterKey] = set()  # stored, or refused and dropped
        try:
            for chunk in _chunks(sorted(self._syncing.items()), _SYNC_CHUNK):
                await self._store(chunk, done)
        except Exception as exc:  # counting must never fail the request
            log.warning("ratelimit.sync_failed keys=%d error=%s", len(self._syncing),
                        type(exc).__name__)
        finally:  # also on cancellation: hits not stored wait for the next sync
            for slot, hits in self._syncing.items():
                if slot not in done:
                    self._pending[slot] = self._pending.get(slot, 0) + hits
            self._syncing = {}
        self._shed_pending()
        self._forget_old_windows()

    async def _store(self, chunk: list[tuple[CounterKey, int]], done: set[CounterKey]) -> None:
        """Store one chunk in one transaction; if the database refuses a row, store the
        chunk's slots one by one and drop the refused ones. Adds the slots done with to
        `done` as it goes (an outage halfway leaves the rest pending, counted once)."""
        try:
            totals = await _add_hits(self.engine, chunk)
        except _REFUSED_ROW:
            for item in chunk:
                self._known.update(await self._store_alone(item))
                done.add(item[0])
            return
        self._known.update(totals)
        done.update(totals)

    async def _store_alone(self, item: tuple[CounterKey, int]) -> dict[CounterKey, int]:
        try:
            return await _add_hits(self.engine, [item])
        except _REFUSED_ROW as exc:  # the key is not logged: it may hold what a client sent
            self.dropped_slots += 1
            log.warning("ratelimit.slot_refused key_length=%d hits=%d error=%s",
                        len(item[0][0]), item[1], type(exc.orig).__name__)
            return {}

    def _shed_pending(self) -> None:
        """Keep at most `max_pending_slots` unsynced slots: those of windows already over
        (no decision reads them any more) go first, then the oldest windows."""
        excess = len(self._pending) - self.max_pending_slots
        if excess <= 0:
            return
        now = int(time.time())
        by_age = sorted(self._pending, key=lambda slot: (self._ends.get(slot, 0) > now, slot[1]))
        for slot in by_age[:excess]:
            del self._pending[slot]
        self.dropped_slots += excess
        log.warning("ratelimit.pending_shed slots=%d bound=%d", excess, self.max_pending_slots)

    def _forget_old_windows(self) -> None:
        now = int(time.time())
        over = [slot for slot, end in self._ends.items()
                if end <= now and slot not in self._pending]
        for slot in over:
            del self._ends[slot]
            self._known.pop(slot, None)


def _chunks(items: list[tuple[CounterKey, int]], size: int,
            ) -> list[list[tuple[CounterKey, int]]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


async def _add_hits(engine: AsyncEngine, pending: list[tuple[CounterKey, int]],
                    ) -> dict[CounterKey, int]:
    """Add each slot's hits in one transaction; return each slot's new shared total."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    totals: dict[CounterKey, int] = {}
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(_ASYNC_COMMIT)
        for (key, start), hits in pending:  # sorted by the caller: no deadlocks between hubs
            stmt = dialect.insert(RateCounter).values(key=key, window_start=start, hits=hits)
            stmt = stmt.on_conflict_do_update(index_elements=["key", "window_start"],
                                              set_={"hits": RateCounter.hits + hits})
            total = int((await conn.execute(stmt.returning(RateCounter.hits))).scalar_one())
            if total == hits:  # this key's first hits in a new window: drop its older windows
                await conn.execute(delete(RateCounter).where(
                    RateCounter.key == key, RateCounter.window_start < start))
            totals[(key, start)] = total
    return totals
