"""Business analytics of one tenant: MRR, ARPU, churn, revenue by plan, aging, dunning.

Money stays in integer minor units. A plan price is normalised to a month in *twelfths*
(month x 12, quarter x 4, year x 1) and a sum of twelfths is divided by 12 once, HALF_UP:
MRR is exact and rounded once. Currencies are never added together. The queries are in
`repository.py`. Definitions: docs/billing.md "Business analytics".
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.analytics import schemas as a
from hub.billing.analytics.repository import BillingAnalyticsRepository
from hub.errors import ConflictError, InvalidRequestError
from hub.pagination import PageParams

PERIOD_TWELFTHS = {"month": 12, "quarter": 4, "year": 1}
STEPS = ("reminder", "throttle", "suspend")  # escalation order
BUCKET_LIMITS = (("current", 0), ("1-30", 30), ("31-60", 60), ("61-90", 90))
BUCKETS = (*(name for name, _ in BUCKET_LIMITS), "90+")
MAX_PERIOD_DAYS = 3660
RATE_PLACES = Decimal("0.0001")


def div_half_up(numerator: int, denominator: int) -> int:
    """`numerator / denominator` rounded HALF_UP (halves away from zero), integers only."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    return sign * ((2 * n + d) // (2 * d))


def rate(part: int, whole: int) -> Decimal | None:
    """`part / whole` rounded HALF_UP to 4 places; None when `whole` is zero."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def aging_bucket(days_past_due: int) -> str:
    """`current` (not yet past due), `1-30`, `31-60`, `61-90` or `90+` days past due."""
    for name, upto in BUCKET_LIMITS:
        if days_past_due <= upto:
            return name
    return "90+"


def period_of(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The requested [start, end); start defaults to the first of the current month and end
    to the first day of the month after start. 422 when empty or longer than 10 years."""
    start = start or today.replace(day=1)
    try:
        end = end or (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    except OverflowError as exc:
        raise InvalidRequestError(f"start {start}: too late for a default end; pass end"
                                  ) from exc
    if end <= start:
        raise InvalidRequestError(f"end {end}: must be after start {start} (end is exclusive)")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidRequestError(f"period {start}..{end}: longer than {MAX_PERIOD_DAYS} days; "
                                  "ask for a shorter period")
    return start, end


@dataclass(frozen=True)
class InService:
    """A subscription in service on a day, with the plan in force that day."""

    subscription_id: uuid.UUID
    customer_id: uuid.UUID
    plan_id: uuid.UUID
    plan_name: str
    currency: str
    period: str
    twelfths: int  # monthly price x 12, in minor units


def _twelfths(plan_id: uuid.UUID, price_minor: int, period: str) -> int:
    if period not in PERIOD_TWELFTHS:
        raise ConflictError(f"plan {plan_id}: period {period!r} cannot be normalised to a "
                            f"month; use one of {sorted(PERIOD_TWELFTHS)}")
    return price_minor * PERIOD_TWELFTHS[period]


def _by_currency(rows: Iterable[InService]) -> dict[str, list[InService]]:
    groups: dict[str, list[InService]] = defaultdict(list)
    for row in rows:
        groups[row.currency].append(row)
    return dict(sorted(groups.items()))


def _paying(rows: list[InService]) -> int:
    return len({r.customer_id for r in rows if r.twelfths > 0})


def _plan_mrr(rows: list[InService]) -> list[a.PlanMrr]:
    plans: dict[uuid.UUID, list[InService]] = defaultdict(list)
    for row in rows:
        plans[row.plan_id].append(row)
    out = [a.PlanMrr(plan_id=pid, plan_name=subs[0].plan_name, period=subs[0].period,
                     subscriptions=len(subs),
                     mrr_minor=div_half_up(sum(s.twelfths for s in subs), 12))
           for pid, subs in plans.items()]
    return sorted(out, key=lambda p: (-p.mrr_minor, p.plan_name))


def _churn(currency: str, at_start: list[InService], end_subs: set[uuid.UUID],
           end_customers: set[uuid.UUID]) -> a.CurrencyChurn:
    gone = [r for r in at_start if r.subscription_id not in end_subs]
    customers = {r.customer_id for r in at_start}
    lost = customers - end_customers
    start_twelfths, lost_twelfths = sum(r.twelfths for r in at_start), sum(r.twelfths for r in gone)
    return a.CurrencyChurn(
        currency=currency, customers_at_start=len(customers), customers_churned=len(lost),
        logo_churn_rate=rate(len(lost), len(customers)), subscriptions_at_start=len(at_start),
        subscriptions_churned=len(gone), subscription_churn_rate=rate(len(gone), len(at_start)),
        mrr_at_start_minor=div_half_up(start_twelfths, 12),
        mrr_churned_minor=div_half_up(lost_twelfths, 12),
        mrr_churn_rate=rate(lost_twelfths, start_twelfths))


class BillingAnalytics:
    """The analytics of one tenant (read-only)."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self.repo = BillingAnalyticsRepository(session, tenant_id)

    async def in_service(self, on: date) -> list[InService]:
        """Subscriptions in service on `on` (started_on <= on < ended_on; suspended ones
        included, they are still invoiced) with the plan in force that day."""
        return [InService(sid, cid, pid, name, cur, period, _twelfths(pid, price, period))
                for sid, cid, pid, name, cur, period, price
                in await self.repo.in_service(on)]

    async def mrr(self, on: date) -> a.MrrReport:
        """MRR per currency on `on`, split by plan."""
        groups = _by_currency(await self.in_service(on))
        return a.MrrReport(on=on, currencies=[a.CurrencyMrr(
            currency=cur, mrr_minor=div_half_up(sum(r.twelfths for r in rows), 12),
            subscriptions=len(rows), paying_customers=_paying(rows), by_plan=_plan_mrr(rows))
            for cur, rows in groups.items()])

    async def arpu(self, on: date) -> a.ArpuReport:
        """ARPU per currency on `on`: MRR / customers paying a non-zero recurring price."""
        out = []
        for cur, rows in _by_currency(await self.in_service(on)).items():
            total, paying = sum(r.twelfths for r in rows), _paying(rows)
            out.append(a.CurrencyArpu(currency=cur, mrr_minor=div_half_up(total, 12),
                                      paying_customers=paying,
                                      arpu_minor=div_half_up(total, 12 * paying) if paying
                                      else None))
        return a.ArpuReport(on=on, currencies=out)

    async def churn(self, start: date, end: date) -> a.ChurnReport:
        """Who and what was in service on `start` and no longer is on `end`."""
        at_end = await self.in_service(end)
        end_subs = {r.subscription_id for r in at_end}
        end_customers = {r.customer_id for r in at_end}
        groups = _by_currency(await self.in_service(start))
        return a.ChurnReport(start=start, end=end, currencies=[
            _churn(cur, rows, end_subs, end_customers) for cur, rows in groups.items()])

    async def revenue_by_plan(self, start: date, end: date) -> a.RevenueReport:
        """Net invoiced revenue of documents issued in [start, end), per plan and currency."""
        rows = await self.repo.revenue(start, end)
        names = await self.repo.plan_names({r[0] for r in rows if r[0] is not None})
        plans = [a.PlanRevenue(plan_id=pid, plan_name=names.get(pid) if pid else None,
                               currency=cur, invoices=int(n) - int(notes),
                               credit_notes=int(notes), revenue_minor=int(amount))
                 for pid, cur, n, notes, amount in rows]
        plans.sort(key=lambda p: (p.currency, -p.revenue_minor, p.plan_name or ""))
        return a.RevenueReport(start=start, end=end, plans=plans)

    async def aging(self, on: date) -> a.AgingReport:
        """Open balances per currency, bucketed by days past due on `on`."""
        sums: dict[str, dict[str, list[int]]] = defaultdict(
            lambda: {b: [0, 0] for b in BUCKETS})
        for cur, due_on, amount in await self.repo.open_balances():
            cell = sums[cur][aging_bucket((on - due_on).days if due_on else 0)]
            cell[0], cell[1] = cell[0] + 1, cell[1] + int(amount)
        return a.AgingReport(on=on, currencies=[a.CurrencyAging(
            currency=cur, total_minor=sum(c[1] for c in cells.values()),
            buckets=[a.AgingBucket(bucket=b, invoices=c[0], amount_minor=c[1])
                     for b, c in cells.items()])
            for cur, cells in sorted(sums.items())])

    async def dunning(self, on: date, page: PageParams,
                      ) -> tuple[list[a.DunningCustomer], str | None]:
        """Customers with an open invoice on which dunning took a step (one keyset page)."""
        rows, cursor = await self.repo.customers_in_dunning(page)
        details = await self._dunning_details([c.id for c in rows], on)
        return [a.DunningCustomer(customer_id=c.id, name=c.name, currency=c.currency,
                                  **details[c.id]) for c in rows], cursor

    async def _dunning_details(self, ids: list[uuid.UUID], on: date,
                               ) -> dict[uuid.UUID, dict[str, Any]]:
        reached: dict[uuid.UUID, int] = defaultdict(int)
        for cid, step in await self.repo.dunning_steps(ids):
            reached[cid] = max(reached[cid], STEPS.index(step) if step in STEPS else 0)
        out: dict[uuid.UUID, dict[str, Any]] = {
            cid: {"step": STEPS[reached[cid]], "overdue_minor": 0, "days_overdue": 0,
                  "open_invoices": 0} for cid in ids}
        for invoice in await self.repo.open_invoices_of(ids):
            row = out[invoice.customer_id]
            row["open_invoices"] += 1
            if invoice.due_on is not None and invoice.due_on < on:
                row["overdue_minor"] += (invoice.total_minor - invoice.paid_minor
                                         - invoice.credited_minor)
                row["days_overdue"] = max(row["days_overdue"], (on - invoice.due_on).days)
        return out
