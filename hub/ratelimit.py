"""Fixed-window rate counters kept in the database, so every hub process shares them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import BigInteger, Integer, String, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base
from hub.errors import RateLimitedError


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
    # Its own short transaction: the count must stick even when the request fails.
    async with engine.begin() as conn:
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
