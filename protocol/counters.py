"""Counter math: turn two raw SNMP counter readings into a delta, or say why not.

Agents send RAW counter values plus ``sys_uptime_ticks`` and, per interface,
``if_counter_discontinuity_ticks``; the hub computes rates (it alone holds the previous
reading across agent restarts and outages, and billing must be re-computable from raw
data). See ``docs/counters.md`` for the rules and why each one exists.

Pure functions, no I/O::

    result = counter_delta(prev, cur, bits=64, max_rate=max_octet_rate(10_000_000_000))
    if result.usable:
        bytes_per_s = rate_per_second(result)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = [
    "DEFAULT_MAX_AGE_32_S",
    "TICKS_PER_SECOND",
    "CounterReading",
    "DeltaResult",
    "DeltaStatus",
    "counter_delta",
    "max_octet_rate",
    "rate_per_second",
]

TICKS_PER_SECOND: Final = 100  # sysUpTime and ifCounterDiscontinuityTime are TimeTicks
# Without a known line rate a 32-bit gap longer than this may hide a second wrap
# (a 32-bit octet counter wraps in ~344 s at 100 Mbit/s).
DEFAULT_MAX_AGE_32_S: Final = 300.0
# Device and agent clocks drift and polls take time: boot-time estimates may jitter.
BOOT_TOLERANCE_S: Final = 5.0
BOOT_TOLERANCE_FRACTION: Final = 0.001


class DeltaStatus(StrEnum):
    """Outcome of :func:`counter_delta`; only ``ok`` and ``wrapped`` carry a delta."""

    OK = "ok"
    WRAPPED = "wrapped"
    RESET = "reset"
    DISCONTINUITY = "discontinuity"
    STALE = "stale"
    NON_MONOTONIC_TIME = "non_monotonic_time"


@dataclass(frozen=True)
class CounterReading:
    """One raw counter observation.

    ``time_s`` is the sample time in POSIX seconds (``Sample.ts.timestamp()``);
    ``sys_uptime_ticks`` and ``discontinuity_ticks`` are the device's sysUpTime and the
    interface's ifCounterDiscontinuityTime read in the same poll, when known.
    """

    value: int
    time_s: float
    sys_uptime_ticks: int | None = None
    discontinuity_ticks: int | None = None


@dataclass(frozen=True)
class DeltaResult:
    """A usable ``delta`` over ``elapsed_s``, or ``delta is None`` and a reason in ``status``."""

    status: DeltaStatus
    delta: int | None
    elapsed_s: float
    detail: str = ""

    @property
    def usable(self) -> bool:
        """True when ``delta`` may be turned into a rate."""
        return self.delta is not None


def counter_delta(
    prev: CounterReading,
    cur: CounterReading,
    bits: int,
    *,
    max_rate: float | None = None,
    max_age_s: float | None = None,
) -> DeltaResult:
    """Return the increase of a ``bits``-wide (32 or 64) counter from ``prev`` to ``cur``.

    ``max_rate`` is the most the counter can plausibly grow per second (for octet
    counters :func:`max_octet_rate` of ifHighSpeed); a larger implied delta is never
    returned. ``max_age_s`` optionally refuses any longer gap. An unusable result means
    "start a new baseline at ``cur``", never "assume zero".

    Raises ValueError if ``bits`` is not 32/64 or a value is outside the counter's range.
    """
    modulus = _modulus(bits)
    for reading in (prev, cur):
        if not 0 <= reading.value < modulus:
            raise ValueError(f"counter value {reading.value} is outside [0, 2**{bits})")
    elapsed = cur.time_s - prev.time_s
    refusal = _refusal(prev, cur, elapsed, modulus, max_rate, max_age_s)
    if refusal is not None:
        return refusal
    return _delta(prev.value, cur.value, elapsed, modulus, max_rate)


def rate_per_second(result: DeltaResult) -> float | None:
    """Average increase per second of a usable result, else None."""
    if result.delta is None or result.elapsed_s <= 0:
        return None
    return result.delta / result.elapsed_s


def max_octet_rate(speed_bits_per_s: float, headroom: float = 1.1) -> float:
    """Plausibility cap in octets/s for an interface of ``speed_bits_per_s``.

    The headroom absorbs poll-time jitter (a sample taken late carries a few more octets
    than its measured elapsed time explains).
    """
    if speed_bits_per_s <= 0 or not math.isfinite(speed_bits_per_s):
        raise ValueError(f"interface speed must be a positive number, got {speed_bits_per_s}")
    return speed_bits_per_s / 8 * headroom


def _modulus(bits: int) -> int:
    if bits not in (32, 64):
        raise ValueError(f"counter width must be 32 or 64 bits, got {bits}")
    return 1 << bits


def _refusal(
    prev: CounterReading,
    cur: CounterReading,
    elapsed: float,
    modulus: int,
    max_rate: float | None,
    max_age_s: float | None,
) -> DeltaResult | None:
    """The first reason (in order of certainty) the pair cannot give a delta."""
    if not elapsed > 0:  # also catches NaN
        return _refuse(DeltaStatus.NON_MONOTONIC_TIME, elapsed, "sample time did not advance")
    if _rebooted(prev, cur, elapsed):
        return _refuse(DeltaStatus.RESET, elapsed, "sysUpTime shows a restart")
    if prev.discontinuity_ticks != cur.discontinuity_ticks:
        return _refuse(DeltaStatus.DISCONTINUITY, elapsed, "ifCounterDiscontinuityTime changed")
    horizon = _trust_horizon(modulus, max_rate, max_age_s)
    if elapsed >= horizon:
        return _refuse(DeltaStatus.STALE, elapsed, f"gap {elapsed:.0f} s >= {horizon:.0f} s")
    return None


def _rebooted(prev: CounterReading, cur: CounterReading, elapsed: float) -> bool:
    """True when the device (its SNMP agent) restarted between the readings.

    Uptime going backwards is the usual sign; after a long outage the new uptime may
    already exceed the old one, so also compare the implied boot times.
    """
    if prev.sys_uptime_ticks is None or cur.sys_uptime_ticks is None:
        return False
    if cur.sys_uptime_ticks < prev.sys_uptime_ticks:
        return True
    boot_prev = prev.time_s - prev.sys_uptime_ticks / TICKS_PER_SECOND
    boot_cur = cur.time_s - cur.sys_uptime_ticks / TICKS_PER_SECOND
    tolerance = BOOT_TOLERANCE_S + BOOT_TOLERANCE_FRACTION * elapsed
    return boot_cur - boot_prev > tolerance


def _trust_horizon(modulus: int, max_rate: float | None, max_age_s: float | None) -> float:
    """Longest gap over which a wrap cannot have happened twice (delta unambiguous)."""
    if max_rate is not None and max_rate > 0:
        horizon = modulus / max_rate
    elif modulus == 1 << 32:
        horizon = DEFAULT_MAX_AGE_32_S
    else:
        horizon = math.inf  # 2**64 takes years to wrap at any real line rate
    return horizon if max_age_s is None else min(horizon, max_age_s)


def _delta(
    prev: int, cur: int, elapsed: float, modulus: int, max_rate: float | None
) -> DeltaResult:
    wrapped = cur < prev
    delta = (cur - prev) % modulus
    # A counter sampled less than twice per wrap is ambiguous; a "wrap" that implies
    # more than half the range is far more likely a reset or a device glitch.
    if wrapped and delta > modulus // 2:
        return _refuse(DeltaStatus.RESET, elapsed, "counter went back; treated as reset")
    if max_rate is not None and delta > max_rate * elapsed:
        reason = "wrap" if wrapped else "increase"
        return _refuse(DeltaStatus.RESET, elapsed, f"{reason} exceeds the plausible rate")
    status = DeltaStatus.WRAPPED if wrapped else DeltaStatus.OK
    return DeltaResult(status, delta, elapsed)


def _refuse(status: DeltaStatus, elapsed: float, detail: str) -> DeltaResult:
    return DeltaResult(status, None, elapsed, detail)
