"""Pure math: the 95th percentile definition and rollups through protocol.counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.analytics import p95, percentile_95, rate_bps
from hub.ingest import rollup
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
    latest, buckets = rollup.roll({}, rollup.readings(samples), {})
    assert latest[("r1", 3, "if_in_octets")].value == 400
    assert list(buckets) == [("r1", 3, T0)]  # all five readings fall in the first bucket
    assert buckets[("r1", 3, T0)].in_octets == 1500 + 2000 + 300
    assert buckets[("r1", 3, T0)].samples == 3


def test_rollup_buckets_are_aligned_and_late_readings_are_skipped() -> None:
    prev = rollup.Reading(("r1", 3, "if_hc_in_octets"), 1_000, T0 + timedelta(seconds=290))
    samples = [*_counter(4_000, T0 + timedelta(seconds=310), "if_hc_in_octets"),
               *_counter(2_000, T0 + timedelta(seconds=200), "if_hc_in_octets")]  # late
    latest, buckets = rollup.roll({prev.key: prev}, rollup.readings(samples), {})
    assert list(buckets) == [("r1", 3, T0 + timedelta(minutes=5))]
    assert buckets[("r1", 3, T0 + timedelta(minutes=5))].in_octets == 3_000
    assert latest[prev.key].value == 4_000
    assert rollup.bucket_start(T0 + timedelta(seconds=599)) == T0 + timedelta(minutes=5)


def test_rollup_refuses_a_jump_faster_than_the_interface() -> None:
    prev = rollup.Reading(("r1", 3, "if_hc_in_octets"), 0, T0)
    samples = _counter(10**12, T0 + timedelta(seconds=60), "if_hc_in_octets")
    _, buckets = rollup.roll({prev.key: prev}, rollup.readings(samples), {("r1", 3): 10**9})
    assert buckets == {}  # 10^12 bytes in 60 s exceeds a 1 Gbit/s line: treated as a reset


def test_error_counters_roll_up_at_a_five_minute_poll() -> None:
    """32-bit error counters polled every 300 s still give deltas (frame-rate cap)."""
    prev = rollup.Reading(("r1", 3, "if_in_errors"), 10, T0)
    samples = _counter(25, T0 + timedelta(seconds=300), "if_in_errors")
    _, buckets = rollup.roll({prev.key: prev}, rollup.readings(samples), {("r1", 3): 10**9})
    assert buckets[("r1", 3, T0 + timedelta(minutes=5))].in_errors == 15
    # Unknown speed: still usable at 300 s, refused after a gap a wrap could hide (hours).
    _, buckets = rollup.roll({prev.key: prev}, rollup.readings(samples), {})
    assert buckets[("r1", 3, T0 + timedelta(minutes=5))].in_errors == 15
    late = _counter(25, T0 + timedelta(hours=2), "if_in_errors")
    _, buckets = rollup.roll({prev.key: prev}, rollup.readings(late), {})
    assert buckets == {}
