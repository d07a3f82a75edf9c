"""Pure 5-minute rollup math: counter readings in, per-bucket deltas out (no I/O).

Every delta goes through `protocol.counters.counter_delta` (wraps, resets, discontinuities,
stale gaps), and is attributed whole to the aligned UTC bucket holding the *later*
reading. The result does not depend on the order readings arrive in: a late reading (two
workers stored a backlog out of order) is spliced into the chain of recent readings: the
delta between its neighbours is taken back from the later neighbour's bucket and the two
deltas through it are added; one older than the series' first reading becomes the new
first (its delta goes to the old first's bucket). Only a reading older than every reading
still held, when that is not the first, is skipped (the delta that spans it stays where
it is: no byte lost or counted twice).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
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

    def changes(self) -> bool:
        """False when a splice took back exactly what it added (nothing to write)."""
        return any((self.in_octets, self.out_octets, self.in_errors, self.out_errors,
                    self.samples))

    def add(self, column: str, delta: int, sign: int = 1) -> None:
        """Add (sign 1) or take back (sign -1) a delta of `column`; inbound octet deltas
        count as samples."""
        setattr(self, column, getattr(self, column) + sign * delta)
        if column == "in_octets":
            self.samples += sign


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


@dataclass
class Rolled:
    """What one batch does to the counter chains and the rollups."""

    # Series whose newest reading or first reading time changed: both, to store.
    latest: dict[SeriesKey, Reading] = field(default_factory=dict)
    firsts: dict[SeriesKey, datetime] = field(default_factory=dict)
    buckets: dict[BucketKey, BucketDelta] = field(
        default_factory=lambda: defaultdict(BucketDelta))
    kept: list[Reading] = field(default_factory=list)  # readings that joined a chain
    skipped: int = 0  # late readings older than every reading still held

    def attribute(self, prev: Reading, cur: Reading, speed: int | None, sign: int = 1) -> None:
        """Add (or take back) the delta prev -> cur in the bucket of `cur`."""
        got = delta(prev, cur, speed)
        if got is not None:
            device, index, metric = cur.key
            self.buckets[(device, index, bucket_start(cur.ts))].add(
                ROLLUP_METRICS[metric][0], got, sign)


def chain_of(held: Iterable[Reading]) -> list[Reading]:
    """Readings of one series in time order, one per timestamp."""
    by_ts = {r.ts: r for r in held}
    return [by_ts[ts] for ts in sorted(by_ts)]


def _place(chain: list[Reading], times: list[datetime], reading: Reading, speed: int | None,
           first: datetime | None, out: Rolled) -> datetime | None:
    """Put one reading in its series' chain; returns the series' (new) first reading time."""
    at = bisect_left(times, reading.ts)
    if at < len(times) and times[at] == reading.ts:
        return first  # the same reading again
    if not chain:
        first = reading.ts  # the baseline
    elif at == 0:
        if chain[0].ts != first:
            out.skipped += 1  # older than everything held: the delta that spans it stays
            return first
        out.attribute(reading, chain[0], speed)  # before the baseline: the new baseline
        first = reading.ts
    elif at == len(chain):
        out.attribute(chain[-1], reading, speed)
    else:  # spliced between two held readings
        before, after = chain[at - 1], chain[at]
        out.attribute(before, after, speed, sign=-1)
        out.attribute(before, reading, speed)
        out.attribute(reading, after, speed)
    chain.insert(at, reading)
    times.insert(at, reading.ts)
    out.kept.append(reading)
    return first


def roll(previous: Mapping[SeriesKey, Reading], batch: Sequence[Reading],
         speeds: Mapping[tuple[str, int], int | None],
         history: Mapping[SeriesKey, Sequence[Reading]] | None = None,
         firsts: Mapping[SeriesKey, datetime | None] | None = None) -> Rolled:
    """Place each reading of the batch (sorted by series and time) in its series' chain:
    the stored newest reading plus the recent `history` (needed only for late readings).
    `firsts` are the series' first reading times (the baseline a still earlier reading may
    replace, as long as it is held).

    Returns the new state of the series that changed (newest reading, first time), the
    per-bucket deltas to add (negative where a late reading split a delta), and the
    readings to keep.
    """
    out = Rolled()
    firsts = firsts or {}
    late: list[Reading] = []
    for reading in batch:  # in order, the usual case: one pass, no per-series lists
        key = reading.key
        prev = out.latest.get(key) or previous.get(key)
        if prev is None:
            out.firsts[key] = reading.ts  # the baseline
        elif reading.ts > prev.ts:
            out.attribute(prev, reading, speeds.get((key[0], key[1])))
        else:
            if reading.ts < prev.ts:  # older than the stored newest: placed below
                late.append(reading)
            continue
        out.latest[key] = reading
        out.kept.append(reading)
    for key, readings in groupby(late, key=itemgetter(0)):
        _place_late(key, list(readings), previous[key], (history or {}).get(key, ()),
                    speeds.get((key[0], key[1])), firsts.get(key), out)
    for key in out.latest:
        first = out.firsts.get(key) or firsts.get(key)
        if first is not None:
            out.firsts[key] = first
    out.buckets = dict(out.buckets)
    return out


def _place_late(key: SeriesKey, readings: list[Reading], stored: Reading,
                held: Sequence[Reading], speed: int | None, first: datetime | None,
                out: Rolled) -> None:
    """Splice readings older than the stored newest one into the held chain (their
    neighbours are all at or before the stored one, so this batch's newer readings are
    not needed)."""
    chain = chain_of([*held, stored])
    times = [r.ts for r in chain]
    start = first
    for reading in readings:
        first = _place(chain, times, reading, speed, first, out)
    if first != start and first is not None:
        out.firsts[key] = first
        out.latest.setdefault(key, stored)  # the newest stays; the first time changed
