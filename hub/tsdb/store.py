"""The storage contract ingest writes raw samples through (pluggable back-ends)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from hub.tsdb.lines import Point


class TsdbError(RuntimeError):
    """The time-series store refused or could not take a write; the caller retries later."""


class TimeSeriesStore(Protocol):
    """Writes batches of points; a write either fully succeeds or raises TsdbError.

    Writing the same point (series + timestamp) twice must not create a second sample:
    InfluxDB overwrites it, VictoriaMetrics needs `-dedup.minScrapeInterval=1ms`.
    """

    async def write(self, points: Sequence[Point]) -> None:
        """Store the points durably before returning."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
