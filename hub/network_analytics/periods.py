"""Pure period rules and availability arithmetic (no I/O, tested directly).

A period is half-open [start, end) in UTC, aligned to 5-minute buckets (the rollups'
grain) and at most 31 days long, so one request reads at most 8,928 buckets per interface.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hub.errors import InvalidRequestError
from hub.network_analytics.percentile import BUCKET_S, aligned

MAX_PERIOD = timedelta(days=31)
DEFAULT_PERIOD = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Span:
    """A validated [start, end)."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return (self.end - self.start).total_seconds()


def floor_bucket(ts: datetime) -> datetime:
    """The start of the UTC 5-minute bucket holding `ts`."""
    epoch = int(ts.timestamp())
    return datetime.fromtimestamp(epoch - epoch % BUCKET_S, UTC)


def _utc(ts: datetime, name: str) -> datetime:
    if ts.tzinfo is None:
        raise InvalidRequestError(f"{name} {ts.isoformat()}: no time zone; send UTC with a "
                                  "`Z` or `+00:00` suffix")
    return ts.astimezone(UTC)


def span(start: datetime | None, end: datetime | None, now: datetime) -> Span:
    """Validate a requested period; defaults: the last 24 h of complete buckets."""
    end_at = floor_bucket(now) if end is None else _utc(end, "end")
    start_at = end_at - DEFAULT_PERIOD if start is None else _utc(start, "start")
    for name, ts in (("start", start_at), ("end", end_at)):
        if not aligned(ts):
            raise InvalidRequestError(f"{name} {ts.isoformat()}: not on a 5-minute boundary; "
                                      "use times like 10:05:00Z (rollups are 5-minute buckets)")
    if end_at <= start_at:
        raise InvalidRequestError(f"period [{start_at.isoformat()}, {end_at.isoformat()}): "
                                  "end must be after start")
    if end_at - start_at > MAX_PERIOD:
        raise InvalidRequestError(f"period [{start_at.isoformat()}, {end_at.isoformat()}): "
                                  "longer than 31 days; split it into smaller requests")
    return Span(start_at, end_at)


@dataclass(frozen=True, slots=True)
class Transition:
    """A subject entering `state` (up | down) at `at`."""

    at: datetime
    state: str


@dataclass(frozen=True, slots=True)
class UpTime:
    """Seconds up and seconds with a known state inside a span."""

    up_s: float
    known_s: float

    @property
    def pct(self) -> float | None:
        """Availability %, or None when the state was never known in the span."""
        return 100.0 * self.up_s / self.known_s if self.known_s else None


def up_time(before: str | None, transitions: Sequence[Transition], period: Span,
            until: datetime) -> UpTime:
    """Up and known seconds in `period` from the state in force at its start (`before`,
    None = unknown) and the transitions inside it, ordered by time.

    Time after `until` (now) has not happened yet and is not counted.
    """
    stop = min(period.end, max(until, period.start))
    state, cursor, up, known = before, period.start, 0.0, 0.0
    for change in [*transitions, Transition(stop, "")]:
        at = min(max(change.at, period.start), stop)
        length = (at - cursor).total_seconds()
        if state is not None:
            known += length
            up += length if state == "up" else 0.0
        state, cursor = change.state, at
    return UpTime(up, known)


def combine(parts: Iterable[UpTime]) -> UpTime:
    """Sum of several subjects' up times (a site's availability)."""
    items = list(parts)
    return UpTime(sum(p.up_s for p in items), sum(p.known_s for p in items))
