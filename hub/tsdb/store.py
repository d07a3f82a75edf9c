"""The storage contract ingest writes raw samples through (pluggable back-ends)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hub.tsdb.lines import Point


class TsdbError(RuntimeError):
    """The time-series store could not take a write (down, overloaded, timed out); the
    caller retries later."""


class TsdbRejectedError(RuntimeError):
    """The time-series store answered and refused the data itself (HTTP 4xx other than
    408/429: a duplicate tag, a point outside retention, a field type conflict).
    Retrying the same points can never succeed; `reason` is the store's own words."""

    def __init__(self, store: str, status: int, reason: str) -> None:
        super().__init__(f"time-series store {store} refused the write (HTTP {status}): "
                         f"{reason}")
        self.status, self.reason = status, reason


class TimeSeriesStore(Protocol):
    """Writes batches of points; a write either fully succeeds or raises TsdbError (an
    outage: retry) or TsdbRejectedError (the data is refused: do not retry it).

    Writing the same point (series + timestamp) twice must not create a second sample:
    InfluxDB overwrites it, VictoriaMetrics needs `-dedup.minScrapeInterval=1ms`.
    """

    async def write(self, points: Sequence[Point]) -> None:
        """Store the points durably before returning."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
