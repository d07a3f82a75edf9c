"""95th percentile billing, exactly as docs/analytics.md defines it (pure, no I/O).

Aligned UTC 5-minute buckets in [start, end); rate_i = 8 x delta_bytes_i / 300; buckets
without data are excluded (not counted as zero); p95 = sorted_ascending[ceil(0.95 n) - 1];
billable = max(p95_in, p95_out).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

BUCKET_S = 300


@dataclass(frozen=True, slots=True)
class Percentile95:
    """The result for one interface and period (rates in bits/s)."""

    p95_in_bps: float | None
    p95_out_bps: float | None
    buckets: int

    @property
    def billable_bps(self) -> float | None:
        """max(p95_in, p95_out); None when the period has no data."""
        values = [v for v in (self.p95_in_bps, self.p95_out_bps) if v is not None]
        return max(values) if values else None


def aligned(ts: datetime) -> bool:
    """True when `ts` is the start of a UTC 5-minute bucket."""
    return ts.timestamp() % BUCKET_S == 0


def rate_bps(delta_bytes: int | float) -> float:
    """rate_i = 8 x delta_bytes_i / 300."""
    return 8 * float(delta_bytes) / BUCKET_S


def p95(rates: Iterable[float]) -> float | None:
    """sorted_ascending[ceil(0.95 n) - 1]; None for no values."""
    ordered = sorted(rates)
    if not ordered:
        return None
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def percentile_95(buckets: Mapping[datetime, tuple[int | float, int | float]],
                  start: datetime, end: datetime) -> Percentile95:
    """p95 of in and out over [start, end) from {bucket_start: (in_bytes, out_bytes)}.

    Raises ValueError when start/end are not bucket-aligned or end <= start.
    """
    if not (aligned(start) and aligned(end)) or end <= start:
        raise ValueError(f"period [{start.isoformat()}, {end.isoformat()}): start and end must "
                         "be aligned to UTC 5-minute boundaries and end after start")
    inside = [v for ts, v in buckets.items() if start <= ts < end]
    return Percentile95(p95(rate_bps(i) for i, _ in inside), p95(rate_bps(o) for _, o in inside),
                        len(inside))
