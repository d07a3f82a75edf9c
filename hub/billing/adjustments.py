"""Adjustments of periods already invoiced (in advance) when a plan change lands in them.

Each invoice records the plans its period was billed at (`BilledPeriod`). The next invoice
the billing run makes for the subscription compares every earlier period with the plans now
in force and, for the days whose plan differs, credits the plan billed and charges the plan
now in force, each prorated over the full period length and rounded once, then records the
new plans for that period: a second run finds nothing left to adjust.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing import charges
from hub.billing.charges import Charge, Segment
from hub.billing.models import BilledPeriod, Invoice, Plan, Subscription
from hub.billing.money import from_minor, prorate
from hub.billing.repository import billed_periods, plan_of

Days = dict[date, uuid.UUID]  # day -> plan id billed (or now in force) that day


def snapshot(segs: list[Segment]) -> list[list[str]]:
    """What `BilledPeriod.plans` stores for the segments billed."""
    return [[s.start.isoformat(), s.end.isoformat(), str(s.plan.id)] for s in segs]


def _days(plans: list[list[str]]) -> Days:
    out: Days = {}
    for start, end, plan_id in plans:
        day, stop = date.fromisoformat(start), date.fromisoformat(end)
        while day < stop:
            out[day], day = uuid.UUID(plan_id), day + timedelta(days=1)
    return out


def changed_runs(billed: Days, now: Days) -> list[tuple[date, date, uuid.UUID, uuid.UUID]]:
    """(start, end, plan billed, plan now) for each run of consecutive days whose plan
    changed. Days no longer in service (an end inside the period) are not runs: the end
    credits them itself (hub.billing.termination, docs/billing.md)."""
    days = sorted(d for d in billed if d in now and now[d] != billed[d])
    runs = []
    for _, group in groupby(enumerate(days), key=lambda x: (x[1] - timedelta(days=x[0]),
                                                            billed[x[1]], now[x[1]])):
        span = [d for _, d in group]
        runs.append((span[0], span[-1] + timedelta(days=1), billed[span[0]], now[span[0]]))
    return runs


def adjustment_lines(run: tuple[date, date, Plan, Plan], period: tuple[date, date],
                     number: int | None) -> list[Charge]:
    """Credit the plan billed and charge the plan now in force for `run`'s days."""
    start, end, old, new = run
    first, stop = period
    days, total = (end - start).days, (stop - first).days
    share = Decimal(days) / Decimal(total)
    on = f"invoice {number}" if number is not None else "a draft invoice"
    lines = []
    for sign, plan, verb in ((-1, old, "Credit"), (1, new, "Charge")):
        price = from_minor(plan.price_minor, plan.currency)
        lines.append(Charge(
            "adjustment", f"{verb} {plan.name} {start}..{end} ({days}/{total} days; "
            f"period {first}..{stop} was on {on}, plan changed to {new.name} on {start})",
            sign * share, price, sign * prorate(price, start, end, first, stop)))
    return lines


class Adjuster:
    """Finds and books the adjustments of one subscription's invoiced periods."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lines_for(self, sub: Subscription, changes: list[tuple[date, Plan]],
                        invoice: Invoice) -> list[Charge]:
        """Adjustment charges for the periods invoiced before `invoice`'s, and record the
        plans now billed for each adjusted period as carried by `invoice`."""
        assert invoice.period_start is not None
        plans = {p.id: p for _, p in changes}
        found: list[Charge] = []
        for earlier, billed in await billed_periods(self.session, sub.id,
                                                          invoice.period_start):
            assert earlier.period_start is not None and earlier.period_end is not None
            period = (earlier.period_start, earlier.period_end)
            segs = charges.segments(changes, sub.ended_on, *period)
            runs = changed_runs(_days(billed.plans), _days(snapshot(segs)))
            if not runs:
                continue
            for start, end, old, new in runs:
                old_plan = plans[old] if old in plans else await plan_of(self.session, old)
                found += adjustment_lines((start, end, old_plan, plans[new]), period,
                                          earlier.number)
            self.session.add(BilledPeriod(
                tenant_id=sub.tenant_id, subscription_id=sub.id, period_start=period[0],
                invoice_id=invoice.id, plans=snapshot(segs)))
        return found

    def record(self, sub: Subscription, invoice: Invoice, segs: list[Segment]) -> None:
        """Record the plans `invoice` bills for its own period."""
        assert invoice.period_start is not None
        self.session.add(BilledPeriod(
            tenant_id=sub.tenant_id, subscription_id=sub.id, period_start=invoice.period_start,
            invoice_id=invoice.id, plans=snapshot(segs)))
