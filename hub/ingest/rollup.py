"""Pure 5-minute rollup math: counter readings in, per-bucket deltas out (no I/O).

Every delta goes through `protocol.counters.counter_delta` (wraps, resets, discontinuities,
stale gaps), and is attributed whole to the aligned UTC bucket holding the *later*
reading. A reading older than the stored previous one (it arrived late) is not used: the
next delta already spans it, so no byte is lost or counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from protocol import Sample
from protocol.counters import CounterReading, counter_delta, max_octet_rate

BUCKET_S = 300

# metric -> (rollup column, counter width). HC counters win; 32-bit ones are the fallback
# the agent sends only for interfaces without them.
ROLLUP_METRICS: Mapping[str, tuple[str, int]] = {
    "if_hc_in_octets": ("in_octets", 64),
    "if_hc_out_octets": ("out_octets", 64),
    "if_in_octets": ("in_octets", 32),
    "if_out_octets": ("out_octets", 32),
    "if_in_errors": ("in_errors", 32),
    "if_out_errors": ("out_errors", 32),
}
OCTET_COLUMNS = ("in_octets", "out_octets")
# Errors cannot outnumber frames, and a link carries at most speed / (84 B x 8) frames/s
# (64 B minimum frame + preamble and gap). Without a cap a 32-bit error counter is refused
# as "stale" at the common 5-minute poll; with it the trust horizon is hours.
MIN_FRAME_BITS = 84 * 8
UNKNOWN_SPEED_FRAME_RATE = 1_500_000.0  # 1 Gbit/s of minimum-size frames

SeriesKey = tuple[str, int, str]  # device, ifIndex, metric
BucketKey = tuple[str, int, datetime]  # device, ifIndex, bucket start


class Reading(NamedTuple):
    """One raw counter reading of one interface with the poll's uptime context (a
    NamedTuple: tens of thousands are made per batch)."""

    key: SeriesKey
    value: int
    ts: datetime
    sys_uptime_ticks: int | None = None
    discontinuity_ticks: int | None = None

    def counter(self) -> CounterReading:
        """The reading in protocol.counters terms."""
        return CounterReading(self.value, self.ts.timestamp(), self.sys_uptime_ticks,
                              self.discontinuity_ticks)


@dataclass
class BucketDelta:
    """What one batch adds to one rollup row."""

    in_octets: int = 0
    out_octets: int = 0
    in_errors: int = 0
    out_errors: int = 0
    samples: int = 0

    def add(self, column: str, delta: int) -> None:
        """Add a delta to `column`; octet deltas count as samples."""
        setattr(self, column, getattr(self, column) + delta)
        if column == "in_octets":
            self.samples += 1


def bucket_start(ts: datetime) -> datetime:
    """Start of the aligned UTC 5-minute bucket holding `ts`."""
    seconds = int(ts.timestamp())
    return datetime.fromtimestamp(seconds - seconds % BUCKET_S, UTC)


def bps(delta_octets: int | float) -> float:
    """Average bits/s of a bucket: 8 x delta / 300."""
    return 8 * float(delta_octets) / BUCKET_S


def _if_index(sample: Sample) -> int | None:
    raw = sample.labels.get("ifIndex", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None


def readings(samples: Iterable[Sample]) -> list[Reading]:
    """Counter readings of rolled-up metrics, with sysUpTime and ifCounterDiscontinuityTime
    from the same batch (same device and timestamp) when present."""
    uptime: dict[tuple[str, datetime], int] = {}
    disc: dict[tuple[str, int | None, datetime], int] = {}
    counters = []
    for s in samples:  # one pass: batches hold tens of thousands of samples
        if s.metric in ROLLUP_METRICS:
            if s.kind == "counter" and isinstance(s.value, int) and s.value >= 0:
                counters.append(s)
        elif s.metric == "sys_uptime_ticks":
            uptime[(s.device, s.ts)] = int(s.value)
        elif s.metric == "if_counter_discontinuity_ticks":
            disc[(s.device, _if_index(s), s.ts)] = int(s.value)
    out = []
    for s in counters:
        index = _if_index(s)
        if index is not None:
            out.append(Reading((s.device, index, s.metric), int(s.value), s.ts,
                               uptime.get((s.device, s.ts)), disc.get((s.device, index, s.ts))))
    out.sort(key=lambda r: (r.key, r.ts))
    return out


def _comparable(prev: Reading, cur: Reading) -> tuple[CounterReading, CounterReading]:
    # Uptime/discontinuity may travel in another batch than the counter; compare them only
    # when both readings have them, or a batch split would look like a discontinuity.
    a, b = prev.counter(), cur.counter()
    if a.discontinuity_ticks is None or b.discontinuity_ticks is None:
        a = CounterReading(a.value, a.time_s, a.sys_uptime_ticks)
        b = CounterReading(b.value, b.time_s, b.sys_uptime_ticks)
    return a, b


def delta(prev: Reading, cur: Reading, speed_bps: int | None) -> int | None:
    """Usable increase from prev to cur, or None (new baseline)."""
    column, bits = ROLLUP_METRICS[cur.key[2]]
    if column in OCTET_COLUMNS:
        cap = max_octet_rate(speed_bps) if speed_bps else None
    else:
        cap = speed_bps / MIN_FRAME_BITS if speed_bps else UNKNOWN_SPEED_FRAME_RATE
    a, b = _comparable(prev, cur)
    return counter_delta(a, b, bits, max_rate=cap).delta


def roll(previous: Mapping[SeriesKey, Reading], batch: list[Reading],
         speeds: Mapping[tuple[str, int], int | None]) -> tuple[dict[SeriesKey, Reading],
                                                                 dict[BucketKey, BucketDelta]]:
    """Chain each series from its stored previous reading through this batch's readings.

    Returns the new previous readings (only for series that advanced) and the per-bucket
    deltas to add.
    """
    latest: dict[SeriesKey, Reading] = {}
    buckets: dict[BucketKey, BucketDelta] = defaultdict(BucketDelta)
    for reading in batch:
        prev = latest.get(reading.key) or previous.get(reading.key)
        if prev is not None and reading.ts <= prev.ts:
            continue  # late or repeated reading: the next delta spans it
        latest[reading.key] = reading
        if prev is None:
            continue
        device, index, metric = reading.key
        got = delta(prev, reading, speeds.get((device, index)))
        if got is not None:
            buckets[(device, index, bucket_start(reading.ts))].add(ROLLUP_METRICS[metric][0], got)
    return latest, dict(buckets)
