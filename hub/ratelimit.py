"""Fixed-window rate counters kept in the database, so every hub process shares them.

`hit`/`count`/`enforce` go to the database every time (logins, enrollment: rare and must be
exact); `SharedCounters` serves the per-request limits from memory and syncs in batches.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import BigInteger, Integer, String, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base
from hub.errors import RateLimitedError

log = logging.getLogger("dotmac.hub.ratelimit")
_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


class RateCounter(Base):
    """Hits of one key (e.g. `ip:10.0.0.1`) within the window starting at `window_start`."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
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


async def count(engine: AsyncEngine, key: str, window: Window) -> int:
    """Hits of `key` in `window` so far, without adding one."""
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


class SharedCounters:
    """Per-request rate limits without a database round trip on every request.

    Each hub process counts locally and folds its new hits into `rate_counters` at most once
    per `sync_interval` seconds (one transaction for every key hit since the last sync),
    learning the other processes' totals for those keys in the same statement. A decision
    is `hits known from the database + hits not yet synced`, so a single process is exact
    and N processes can overshoot a limit by at most what the others took within one sync
    interval. If the database is unreachable the unsynced hits are kept for the next sync
    and requests are judged on the local count (the request itself then fails on its own
    database access anyway).
    """

    def __init__(self, engine: AsyncEngine, sync_interval: float = 1.0) -> None:
        self.engine = engine
        self.sync_interval = sync_interval
        self._known: dict[CounterKey, int] = {}
        self._pending: dict[CounterKey, int] = {}
        self._syncing: dict[CounterKey, int] = {}  # hits on their way to the database
        self._ends: dict[CounterKey, int] = {}  # when each slot's window is over
        self._last_sync = time.monotonic()

    async def enforce(self, key: str, limit: int, seconds: int) -> None:
        """Count one request against `key`; 429 with Retry-After once `limit` is passed."""
        window = Window.now(seconds)
        slot = (key, window.start)
        self._pending[slot] = self._pending.get(slot, 0) + 1
        self._ends[slot] = window.start + seconds
        if time.monotonic() - self._last_sync >= self.sync_interval and not self._syncing:
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
        try:
            self._known.update(await _add_hits(self.engine, self._syncing))
        except Exception as exc:  # counting must never fail the request
            log.warning("ratelimit.sync_failed keys=%d error=%s", len(self._syncing),
                        type(exc).__name__)
            for slot, hits in self._syncing.items():
                self._pending[slot] = self._pending.get(slot, 0) + hits
        finally:
            self._syncing = {}
        self._forget_old_windows()

    def _forget_old_windows(self) -> None:
        now = int(time.time())
        over = [slot for slot, end in self._ends.items()
                if end <= now and slot not in self._pending]
        for slot in over:
            del self._ends[slot]
            self._known.pop(slot, None)


async def _add_hits(engine: AsyncEngine, pending: dict[CounterKey, int]) -> dict[CounterKey, int]:
    """Add each slot's hits in one transaction; return each slot's new shared total."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    totals: dict[CounterKey, int] = {}
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(_ASYNC_COMMIT)
        for (key, start), hits in sorted(pending.items()):  # sorted: no deadlocks between hubs
            stmt = dialect.insert(RateCounter).values(key=key, window_start=start, hits=hits)
            stmt = stmt.on_conflict_do_update(index_elements=["key", "window_start"],
                                              set_={"hits": RateCounter.hits + hits})
            total = int((await conn.execute(stmt.returning(RateCounter.hits))).scalar_one())
            if total == hits:  # this key's first hits in a new window: drop its older windows
                await conn.execute(delete(RateCounter).where(
                    RateCounter.key == key, RateCounter.window_start < start))
            totals[(key, start)] = total
    return totals
