"""Counter math: wraps, resets, discontinuities and outages never produce a spike."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.counters import (
    DEFAULT_MAX_AGE_32_S,
    CounterReading,
    DeltaStatus,
    counter_delta,
    max_octet_rate,
    rate_per_second,
)

M32, M64 = 2**32, 2**64
T0 = 1_700_000_000.0
UP0 = 8_640_000  # device up for a day


def reading(value: int, dt: float, up: int | None = UP0, disc: int | None = 0) -> CounterReading:
    """A reading ``dt`` seconds after T0 whose sysUpTime advanced in step with the clock."""
    ticks = None if up is None else up + round(dt * 100)
    return CounterReading(value, T0 + dt, ticks, disc)


def test_plain_increase_gives_delta_and_rate() -> None:
    result = counter_delta(reading(1_000, 0), reading(61_000, 60), 64)
    assert (result.status, result.delta, result.elapsed_s) == (DeltaStatus.OK, 60_000, 60)
    assert rate_per_second(result) == 1_000


def test_32bit_wrap_is_exact() -> None:
    result = counter_delta(reading(M32 - 100, 0), reading(400, 60), 32)
    assert (result.status, result.delta) == (DeltaStatus.WRAPPED, 500)


def test_64bit_wrap_is_exact() -> None:
    result = counter_delta(reading(M64 - 7, 0), reading(3, 60), 64)
    assert (result.status, result.delta) == (DeltaStatus.WRAPPED, 10)


def test_reboot_is_a_new_baseline_not_a_spike() -> None:
    prev = reading(5_000_000_000, 0)
    cur = CounterReading(1_000, T0 + 60, sys_uptime_ticks=3_000, discontinuity_ticks=0)
    result = counter_delta(prev, cur, 64)
    assert (result.status, result.delta) == (DeltaStatus.RESET, None)
    assert rate_per_second(result) is None


def test_reboot_during_a_long_agent_outage_is_detected() -> None:
    # Agent was down 2 days; the device rebooted 1 day ago, so its uptime (1 day) is
    # larger than at the last reading (1 h): uptime alone did not go backwards.
    prev = CounterReading(10**12, T0, sys_uptime_ticks=360_000)
    cur = CounterReading(2 * 10**12, T0 + 2 * 86_400, sys_uptime_ticks=8_640_000)
    assert counter_delta(prev, cur, 64).status is DeltaStatus.RESET


def test_64bit_counter_survives_a_long_outage() -> None:
    result = counter_delta(reading(10**12, 0), reading(10**12 + 5 * 10**13, 2 * 86_400), 64)
    assert (result.status, result.delta) == (DeltaStatus.OK, 5 * 10**13)


def test_32bit_counter_after_a_long_outage_is_stale() -> None:
    result = counter_delta(reading(10, 0), reading(20, DEFAULT_MAX_AGE_32_S + 1), 32)
    assert (result.status, result.delta) == (DeltaStatus.STALE, None)


def test_32bit_gap_where_the_line_rate_could_wrap_twice_is_stale() -> None:
    cap = max_octet_rate(1_000_000_000)  # 1 Gbit/s wraps 2**32 octets in ~31 s
    result = counter_delta(reading(10, 0), reading(20, 60), 32, max_rate=cap)
    assert result.status is DeltaStatus.STALE
    assert counter_delta(reading(10, 0), reading(20, 20), 32, max_rate=cap).delta == 10


def test_discontinuity_time_change_refuses_the_delta() -> None:
    result = counter_delta(reading(10, 0, disc=0), reading(20, 60, disc=4_200), 64)
    assert (result.status, result.delta) == (DeltaStatus.DISCONTINUITY, None)


def test_time_going_backwards_or_standing_still() -> None:
    for dt in (0.0, -5.0):
        result = counter_delta(reading(10, 0), reading(20, dt), 64)
        assert result.status is DeltaStatus.NON_MONOTONIC_TIME


def test_wrap_above_the_interface_speed_is_treated_as_reset() -> None:
    # 100 Mbit/s for 60 s can move at most ~825 MB; a "wrap" implying ~2 GB cannot be real.
    cap = max_octet_rate(100_000_000)
    result = counter_delta(reading(3_000_000_000, 0, up=None), reading(1_000_000_000, 10, up=None),
                           32, max_rate=cap)
    assert (result.status, result.delta) == (DeltaStatus.RESET, None)


def test_small_step_back_without_uptime_is_not_a_near_full_wrap() -> None:
    result = counter_delta(reading(1_000_000, 0, up=None), reading(999_000, 60, up=None), 32)
    assert (result.status, result.delta) == (DeltaStatus.RESET, None)


def test_bad_width_and_out_of_range_values_raise() -> None:
    with pytest.raises(ValueError, match="32 or 64"):
        counter_delta(reading(1, 0), reading(2, 1), 16)
    with pytest.raises(ValueError, match="outside"):
        counter_delta(reading(M32, 0), reading(2, 1), 32)
    with pytest.raises(ValueError, match="positive"):
        max_octet_rate(0)


bits_st = st.sampled_from([32, 64])
time_st = st.floats(min_value=-10, max_value=10 * 86_400, allow_nan=False)
uptime_st = st.one_of(st.none(), st.integers(min_value=0, max_value=M32 - 1))
disc_st = st.one_of(st.none(), st.integers(min_value=0, max_value=1_000))
rate_st = st.one_of(st.none(), st.floats(min_value=1, max_value=1e13))


@st.composite
def reading_pairs(draw: st.DrawFn) -> tuple[CounterReading, CounterReading, int]:
    bits = draw(bits_st)
    value = st.integers(min_value=0, max_value=2**bits - 1)
    prev = CounterReading(draw(value), T0, draw(uptime_st), draw(disc_st))
    cur = CounterReading(draw(value), T0 + draw(time_st), draw(uptime_st), draw(disc_st))
    return prev, cur, bits


@given(reading_pairs(), rate_st)
def test_never_negative_and_never_above_the_cap(
    pair: tuple[CounterReading, CounterReading, int], max_rate: float | None
) -> None:
    prev, cur, bits = pair
    result = counter_delta(prev, cur, bits, max_rate=max_rate)
    if result.delta is not None:
        assert 0 <= result.delta < 2**bits
        assert result.elapsed_s > 0
        assert result.status in (DeltaStatus.OK, DeltaStatus.WRAPPED)
        if max_rate is not None:
            assert result.delta <= max_rate * result.elapsed_s
    else:
        assert rate_per_second(result) is None


@given(
    st.integers(min_value=1, max_value=2**40), st.integers(min_value=0, max_value=2**40),
    st.floats(min_value=1, max_value=10 * 86_400),
)
def test_64bit_wrap_is_exact_for_any_gap(below_top: int, after_zero: int, gap: float) -> None:
    prev = CounterReading(M64 - below_top, T0, UP0)
    cur = CounterReading(after_zero, T0 + gap, UP0 + round(gap * 100))
    result = counter_delta(prev, cur, 64)
    assert (result.status, result.delta) == (DeltaStatus.WRAPPED, below_top + after_zero)


@given(reading_pairs(), st.integers(min_value=1, max_value=M32 - 1), rate_st)
def test_reboot_never_produces_a_delta(
    pair: tuple[CounterReading, CounterReading, int], drop: int, max_rate: float | None
) -> None:
    prev, cur, bits = pair
    up_prev = max(prev.sys_uptime_ticks or 0, drop)
    prev = CounterReading(prev.value, prev.time_s, up_prev, prev.discontinuity_ticks)
    cur = CounterReading(cur.value, cur.time_s, up_prev - drop, cur.discontinuity_ticks)
    result = counter_delta(prev, cur, bits, max_rate=max_rate)
    assert result.delta is None
    assert result.status in (DeltaStatus.RESET, DeltaStatus.NON_MONOTONIC_TIME)
