"""Pure math: the 95th percentile definition and rollups through protocol.counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.ingest import rollup
from hub.network_analytics import p95, percentile_95, rate_bps
from protocol import Sample

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_p95_is_the_ceil_rank_of_the_sorted_rates() -> None:
    assert p95([]) is None
    assert p95([5.0]) == 5.0
    assert p95(float(v) for v in range(1, 21)) == 19.0  # ceil(19.0) - 1 = index 18
    assert p95(float(v) for v in range(100, 0, -1)) == 95.0  # ceil(95) - 1 = index 94
    assert p95(float(v) for v in range(1, 22)) == 20.0  # ceil(19.95) - 1 = index 19


def test_percentile_95_excludes_missing_buckets_and_bills_the_larger_direction() -> None:
    buckets = {T0 + timedelta(minutes=5 * i): (300 * i, 150 * (40 - i)) for i in range(40)}
    del buckets[T0 + timedelta(minutes=5 * 7)]  # a missing bucket is left out, not zero
    buckets[T0 - timedelta(minutes=5)] = (10**12, 0)  # before the period
    buckets[T0 + timedelta(minutes=200)] = (10**12, 0)  # at `end`: excluded ([start, end))
    result = percentile_95(buckets, T0, T0 + timedelta(minutes=200))
    assert result.buckets == 39
    ins = sorted(rate_bps(300 * i) for i in range(40) if i != 7)
    outs = sorted(rate_bps(150 * (40 - i)) for i in range(40) if i != 7)
    assert result.p95_in_bps == ins[37] == 8 * 300 * 38 / 300  # ceil(0.95 * 39) - 1 = 37
    assert result.p95_out_bps == outs[37]
    assert result.billable_bps == max(ins[37], outs[37])


def test_percentile_95_refuses_unaligned_periods() -> None:
    with pytest.raises(ValueError, match="aligned"):
        percentile_95({}, T0 + timedelta(seconds=1), T0 + timedelta(hours=1))
    assert percentile_95({}, T0, T0 + timedelta(hours=1)).billable_bps is None


def _counter(value: int, at: datetime, metric: str = "if_in_octets",
             uptime: int | None = None) -> list[Sample]:
    out = [Sample(device="r1", metric=metric, labels={"ifIndex": "3"}, value=value,
                  kind="counter", ts=at)]
    if uptime is not None:
        out.append(Sample(device="r1", metric="sys_uptime_ticks", value=uptime, kind="gauge",
                          ts=at))
    return out


def test_rollup_handles_32_bit_wrap_and_reset() -> None:
    at = [T0 + timedelta(seconds=60 * i) for i in range(5)]
    samples = [*_counter(2**32 - 1000, at[0], uptime=100_000),
               *_counter(500, at[1], uptime=106_000),  # wrapped: +1500
               *_counter(2_500, at[2], uptime=112_000),  # +2000
               *_counter(100, at[3], uptime=50),  # rebooted: a new baseline, no delta
               *_counter(400, at[4], uptime=6_050)]  # +300
    rolled = rollup.roll({}, rollup.readings(samples), {})
    latest, buckets = rolled.latest, rolled.buckets
    assert latest[("r1", 3, "if_in_octets")].value == 400
    assert list(buckets) == [("r1", 3, T0)]  # all five readings fall in the first bucket
    assert buckets[("r1", 3, T0)].in_octets == 1500 + 2000 + 300
    assert buckets[("r1", 3, T0)].samples == 3


def test_rollup_buckets_are_aligned_and_a_reading_older_than_the_chain_is_skipped() -> None:
    prev = rollup.Reading(("r1", 3, "if_hc_in_octets"), 1_000, T0 + timedelta(seconds=290))
    samples = [*_counter(4_000, T0 + timedelta(seconds=310), "if_hc_in_octets"),
               *_counter(2_000, T0 + timedelta(seconds=200), "if_hc_in_octets")]  # late
    rolled = rollup.roll({prev.key: prev}, rollup.readings(samples), {})
    assert list(rolled.buckets) == [("r1", 3, T0 + timedelta(minutes=5))]
    assert rolled.buckets[("r1", 3, T0 + timedelta(minutes=5))].in_octets == 3_000
    assert rolled.latest[prev.key].value == 4_000
    assert rolled.skipped == 1  # nothing held before 290 s: the 290 -> 310 delta stays
    assert [r.value for r in rolled.kept] == [4_000]
    assert rollup.bucket_start(T0 + timedelta(seconds=599)) == T0 + timedelta(minutes=5)


def _poll_series(polls: int, step_s: int) -> list[rollup.Reading]:
    """One counter polled every step_s, with a wrap on a 32-bit counter and uneven rates."""
    key = ("r1", 3, "if_in_octets")
    value, out = 2**32 - 50_000, []
    for poll in range(polls):
        out.append(rollup.Reading(key, value % 2**32, T0 + timedelta(seconds=17 + poll * step_s)))
        value += 1_000 * (poll % 7 + 1)
    return out


def _store_in(order: list[list[rollup.Reading]]) -> dict[rollup.BucketKey, tuple[int, int]]:
    """Apply batches in the given order the way the database would: held readings and the
    newest reading carried from batch to batch, bucket deltas summed."""
    previous: dict[rollup.SeriesKey, rollup.Reading] = {}
    firsts: dict[rollup.SeriesKey, datetime | None] = {}
    held: dict[rollup.SeriesKey, list[rollup.Reading]] = {}
    totals: dict[rollup.BucketKey, tuple[int, int]] = {}
    for batch in order:
        rolled = rollup.roll(previous, sorted(batch, key=lambda r: (r.key, r.ts)), {}, held,
                             firsts)
        previous.update(rolled.latest)
        firsts.update(rolled.firsts)
        for r in rolled.kept:
            held.setdefault(r.key, []).append(r)
        for key, b in rolled.buckets.items():
            octets, samples = totals.get(key, (0, 0))
            totals[key] = (octets + b.in_octets, samples + b.samples)
    return {k: v for k, v in totals.items() if v != (0, 0)}


def test_rollups_do_not_depend_on_the_order_batches_are_stored_in() -> None:
    """Two workers storing a backlog: one takes the odd polls, the other the even ones, in
    micro-batches that commit in any order. Every 5-minute bucket must come out as if the
    polls had been stored one by one in time order."""
    series = _poll_series(40, 70)
    in_order = _store_in([[r] for r in series])
    assert sum(o for o, _n in in_order.values()) == sum(1_000 * (p % 7 + 1) for p in range(39))
    assert sum(n for _o, n in in_order.values()) == 39
    odd, even = series[1::2], series[0::2]
    orders = [
        [series[:1], series[-1:], series[1:-1]],  # the newest first, then the rest at once
        [even[:10], odd[:10], even[10:], odd[10:]],  # interleaved micro-batches
        [even, odd],  # one worker's whole share before the other's
        [series[:1], *([r] for r in reversed(series[1:]))],  # newest to oldest, one by one
        [[r] for r in reversed(series)],  # even the first poll last: it becomes the baseline
        [odd, even],  # the first poll in the second share
    ]
    for order in orders:
        assert _store_in(order) == in_order


def test_a_late_reading_splits_the_delta_that_spanned_it_across_buckets() -> None:
    key = ("r1", 3, "if_hc_in_octets")
    first = rollup.Reading(key, 1_000, T0 + timedelta(seconds=240))
    last = rollup.Reading(key, 7_000, T0 + timedelta(seconds=840))  # bucket 10 min
    rolled = rollup.roll({key: last}, rollup.readings(
        _counter(4_000, T0 + timedelta(seconds=540), "if_hc_in_octets")), {},
        {key: [first, last]})
    assert rolled.latest == {}  # the newest reading did not change
    five, ten = (("r1", 3, T0 + timedelta(minutes=m)) for m in (5, 10))
    assert (rolled.buckets[five].in_octets, rolled.buckets[five].samples) == (3_000, 1)
    # 1000 -> 7000 had gone to the 10-minute bucket; now only 4000 -> 7000 stays there.
    assert (rolled.buckets[ten].in_octets, rolled.buckets[ten].samples) == (-3_000, 0)
    assert [r.value for r in rolled.kept] == [4_000] and rolled.skipped == 0


def test_rollup_refuses_a_jump_faster_than_the_interface() -> None:
    prev = rollup.Reading(("r1", 3, "if_hc_in_octets"), 0, T0)
    samples = _counter(10**12, T0 + timedelta(seconds=60), "if_hc_in_octets")
    rolled = rollup.roll({prev.key: prev}, rollup.readings(samples), {("r1", 3): 10**9})
    assert rolled.buckets == {}  # 10^12 bytes in 60 s exceeds a 1 Gbit/s line: treated as a reset


def test_error_counters_roll_up_at_a_five_minute_poll() -> None:
    """32-bit error counters polled every 300 s still give deltas (frame-rate cap)."""
    prev = rollup.Reading(("r1", 3, "if_in_errors"), 10, T0)
    samples = _counter(25, T0 + timedelta(seconds=300), "if_in_errors")
    buckets = rollup.roll({prev.key: prev}, rollup.readings(samples), {("r1", 3): 10**9}).buckets
    assert buckets[("r1", 3, T0 + timedelta(minutes=5))].in_errors == 15
    # Unknown speed: still usable at 300 s, refused after a gap a wrap could hide (hours).
    buckets = rollup.roll({prev.key: prev}, rollup.readings(samples), {}).buckets
    assert buckets[("r1", 3, T0 + timedelta(minutes=5))].in_errors == 15
    late = _counter(25, T0 + timedelta(hours=2), "if_in_errors")
    assert rollup.roll({prev.key: prev}, rollup.readings(late), {}).buckets == {}
