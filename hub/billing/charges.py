"""Pure charge computation for one subscription and period (no I/O, fully explainable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hub.billing.models import Plan
from hub.billing.money import from_minor, prorate
from hub.network_analytics.percentile import percentile_95

GB = Decimal(10) ** 9  # decimal gigabyte: billable GB = (in + out octets) / 1e9
MBPS = Decimal(10) ** 6
FAR_FUTURE = date(9999, 1, 1)


@dataclass(frozen=True)
class Charge:
    """One invoice line before rounding: `exact` is what tax and the rounding rule use."""

    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    exact: Decimal


@dataclass(frozen=True)
class Segment:
    """Days [start, end) of the period billed on one plan."""

    start: date
    end: date
    plan: Plan


def month_period(day: date) -> tuple[date, date]:
    """The calendar month containing `day`, as [first day, first day of the next month)."""
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def segments(changes: list[tuple[date, Plan]], ended_on: date | None, period_start: date,
             period_end: date) -> list[Segment]:
    """Plan segments inside the period from the dated plan changes (activation first)."""
    out: list[Segment] = []
    bounds = [*(on for on, _ in changes[1:]), ended_on or FAR_FUTURE]
    for (on, plan), until in zip(changes, bounds, strict=True):
        start, end = max(on, period_start), min(until, period_end, ended_on or FAR_FUTURE)
        if start < end:
            out.append(Segment(start, end, plan))
    return out


def recurring(seg: Segment, period_start: date, period_end: date) -> Charge:
    """The plan price, prorated by days over the full period length when partial."""
    price = from_minor(seg.plan.price_minor, seg.plan.currency)
    total = (period_end - period_start).days
    days = (seg.end - seg.start).days
    if days == total:
        return Charge("recurring", f"{seg.plan.name} {period_start}..{period_end}",
                      Decimal(1), price, price)
    return Charge("proration", f"{seg.plan.name} {seg.start}..{seg.end} ({days}/{total} days)",
                  Decimal(days) / Decimal(total), price,
                  prorate(price, seg.start, seg.end, period_start, period_end))


def term_end(started_on: date, periods: int) -> date:
    """First day after a minimum term of `periods` months from `started_on`: the same day
    of the month `periods` months later, clamped to that month (Jan 31 + 1 -> Feb 28)."""
    month = started_on.month - 1 + periods
    year, month = started_on.year + month // 12, month % 12 + 1
    first = date(year, month, 1)
    last_day = (month_period(first)[1] - timedelta(days=1)).day
    return first.replace(day=min(started_on.day, last_day))


def term_ends_on(started_on: date, plan: Plan) -> date | None:
    """The end of the minimum term `plan` starts on `started_on`; None without a term."""
    periods = plan.minimum_term_periods
    return term_end(started_on, periods) if periods else None


def early_termination(plan: Plan, ends: date | None, ended_on: date,
                      invoiced_until: date | None = None) -> Charge | None:
    """The recurring charges left in the minimum term ending on `ends` (the first day after
    it), at `plan`'s price: each calendar month of [start, ends) prorated over its full
    length, where start is `ended_on` or, when later, the end of the last period already
    invoiced (billed in advance), so no day is charged twice."""
    start = max(ended_on, invoiced_until or ended_on)
    if ends is None or start >= ends:
        return None
    price = from_minor(plan.price_minor, plan.currency)
    months, exact, day = Decimal(0), Decimal(0), start
    while day < ends:
        first, stop = month_period(day)
        until = min(stop, ends)
        months += Decimal((until - day).days) / Decimal((stop - first).days)
        exact += prorate(price, day, until, first, stop)
        day = until
    note = (f" (service ended {ended_on}; the days before {start} were already invoiced)"
            if start > ended_on else "")
    return Charge("termination", f"Early termination of {plan.name}: {start}..{ends} left "
                  f"of the minimum term{note}", months, price, exact)


def setup_fee(plan: Plan) -> Charge | None:
    """The one-off setup fee of `plan`, if it has one."""
    if not plan.setup_fee_minor:
        return None
    fee = from_minor(plan.setup_fee_minor, plan.currency)
    return Charge("setup", f"{plan.name} setup fee", Decimal(1), fee, fee)


# What a plan's GB cap does (Plan.cap_action): bill the GB above it, throttle the
# subscriber to the plan's cap throttle rates until the period ends, both, or nothing.
CAP_ACTIONS = ("none", "overage", "throttle", "overage_and_throttle")
BILLS_OVERAGE = frozenset({"overage", "overage_and_throttle"})
THROTTLES = frozenset({"throttle", "overage_and_throttle"})


def gb_used(octets: Decimal) -> Decimal:
    """Billable decimal GB of (in + out) octets."""
    return octets / GB


def throttles_at_cap(plan: Plan) -> bool:
    """Whether crossing the plan's GB cap throttles the subscriber (hub.billing.caps)."""
    return (plan.usage_kind == "gb" and plan.cap_action in THROTTLES
            and plan.gb_cap is not None and plan.cap_throttle_down_kbps is not None)


def throttle_rates(plan: Plan) -> tuple[int, int] | None:
    """(down, up) kb/s a subscriber over the cap is slowed to; None without a throttle."""
    down = plan.cap_throttle_down_kbps
    return None if down is None else (down, plan.cap_throttle_up_kbps or down)


def over_cap(plan: Plan, octets: Decimal) -> bool:
    """True once the period's usage exceeds the cap (usage up to the cap is at full speed,
    as it is free of overage)."""
    return plan.gb_cap is not None and gb_used(octets) > plan.gb_cap


def gb_overage(plan: Plan, octets: Decimal) -> Charge | None:
    """(in + out octets) / 1e9 above the cap, times the price per decimal GB; only when
    the plan's cap action bills overage."""
    if plan.gb_cap is None or plan.overage_per_gb is None or plan.cap_action not in (
            BILLS_OVERAGE):
        return None
    used = gb_used(octets)
    over = max(used - plan.gb_cap, Decimal(0))
    return Charge("usage", f"Data {used} GB, cap {plan.gb_cap} GB, over {over} GB", over,
                  plan.overage_per_gb, over * plan.overage_per_gb)


def p95_overage(plan: Plan, buckets: dict[datetime, tuple[int, int]], start: date,
                end: date) -> Charge | None:
    """billable = max(p95_in, p95_out) in Mb/s above the committed rate, times price per Mbps."""
    if plan.committed_mbps is None or plan.price_per_mbps is None:
        return None
    result = percentile_95(buckets, _midnight(start), _midnight(end))
    if result.billable_bps is None:
        return None
    billable = Decimal(str(result.billable_bps)) / MBPS
    over = max(billable - plan.committed_mbps, Decimal(0))
    return Charge("usage", f"95th percentile {billable} Mb/s (in {_mbps(result.p95_in_bps)}, "
                  f"out {_mbps(result.p95_out_bps)}), committed {plan.committed_mbps} Mb/s",
                  over, plan.price_per_mbps, over * plan.price_per_mbps)


def _mbps(bps: float | None) -> Decimal | None:
    return None if bps is None else Decimal(str(bps)) / MBPS


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
