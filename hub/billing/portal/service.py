"""Portal use cases: the caller's own customer account, and nothing of anyone else's.

A portal user (role customer) is bound to one customer account (users.customer_id). Staff
and API keys are bound to none: lists answer empty for them (as /portal/invoices and
/portal/tickets do), the profile is 404, and one subscription's usage is theirs to read only
with billing:read (as an invoice PDF is)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.billing.charges import GB, MBPS
from hub.billing.models import Customer, Payment, Plan, Subscription
from hub.billing.money import from_minor
from hub.billing.portal import repository as repo
from hub.billing.portal import schemas as s
from hub.billing.repository import Customers, Subscriptions, plan_of
from hub.billing.usage import UsageBucket, usage_buckets
from hub.errors import InvalidRequestError, NotFoundError
from hub.network_analytics.percentile import percentile_95
from hub.pagination import PageParams
from hub.principal import Principal

MAX_USAGE_DAYS = 93  # a quarter: the longest billing period; ~27k buckets at most


@dataclass(frozen=True, slots=True)
class Window:
    """A validated usage period [start, end) of whole UTC days."""

    start: date
    end: date

    def at(self, day: date) -> datetime:
        """Midnight UTC of `day`."""
        return datetime(day.year, day.month, day.day, tzinfo=UTC)


def window(start: date | None, end: date | None, today: date) -> Window:
    """`from`/`to` checked; defaults: the current calendar month up to and including today."""
    end_day = end or today + timedelta(days=1)
    start_day = start or min(today.replace(day=1), end_day - timedelta(days=1))
    if end_day <= start_day:
        raise InvalidRequestError(f"period [{start_day}, {end_day}): `to` must be after "
                                  "`from` (`to` is exclusive: the day after the last one)")
    if (end_day - start_day).days > MAX_USAGE_DAYS:
        raise InvalidRequestError(f"period [{start_day}, {end_day}): longer than "
                                  f"{MAX_USAGE_DAYS} days; ask for one billing period at a time")
    return Window(start_day, end_day)


class PortalService:
    """What the caller sees of its own customer account."""

    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session, self.principal = session, principal
        self.tenant_id = principal.tenant_id

    async def bound_customer(self) -> uuid.UUID | None:
        """The customer account the caller is bound to (None for staff and API keys)."""
        if self.principal.kind != "user":
            return None
        return await repo.customer_of_user(self.session, self.tenant_id, self.principal.id)

    async def profile(self) -> Customer:
        """The caller's own customer account (404 when the caller is bound to none)."""
        customer_id = await self.bound_customer()
        if customer_id is None:
            raise NotFoundError("portal profile: this caller is bound to no customer account "
                                "(only users of the customer role have one); staff read "
                                "customers at GET /billing/customers/{id}")
        return await Customers(self.session, self.tenant_id).get(customer_id)

    async def update_profile(self, body: s.ProfileUpdate) -> Customer:
        """Change the caller's e-mail, phone or contacts; audited with the fields changed."""
        customer = await self.profile()
        changed = sorted(k for k in body.model_fields_set
                         if getattr(body, k) is not None and getattr(body, k) != getattr(
                             customer, k))
        for key in changed:
            setattr(customer, key, getattr(body, key))
        if changed:
            AuditTrail(self.session, self.principal).record(
                "portal.profile_update", "customer", customer.id, fields=changed)
            await self.session.commit()
        return customer

    async def subscriptions(self, page: PageParams) -> s.PortalSubscriptions:
        """One page of the caller's own subscriptions (empty for staff)."""
        customer_id = await self.bound_customer()
        if customer_id is None:
            return s.PortalSubscriptions(data=[], next_cursor=None)
        rows, cursor = await repo.subscriptions_page(self.session, self.tenant_id,
                                                     customer_id, page)
        plans = await repo.plans_by_id(self.session, self.tenant_id, (r.plan_id for r in rows))
        return s.PortalSubscriptions(data=[_subscription(r, plans[r.plan_id]) for r in rows],
                                     next_cursor=cursor)

    async def payments(self, page: PageParams) -> tuple[list[Payment], str | None]:
        """One page of the caller's own payments (empty for staff)."""
        customer_id = await self.bound_customer()
        if customer_id is None:
            return [], None
        return await repo.payments_page(self.session, self.tenant_id, customer_id, page)

    async def subscription(self, subscription_id: uuid.UUID) -> Subscription:
        """One of the caller's subscriptions; staff holding billing:read may read any of the
        tenant's. Anyone else's looks exactly like a missing one."""
        found = await Subscriptions(self.session, self.tenant_id).find(subscription_id)
        customer_id = await self.bound_customer()
        mine = found is not None and (found.customer_id == customer_id or (
            customer_id is None and self.principal.has("billing:read")))
        if found is None or not mine:
            raise NotFoundError(f"subscription {subscription_id}: no such subscription of "
                                "yours; list yours with GET /portal/subscriptions")
        return found

    async def usage(self, subscription_id: uuid.UUID, period: Window) -> s.UsagePublic:
        """Daily GB in and out, and the numbers the subscription's plan is rated by."""
        sub = await self.subscription(subscription_id)
        plan = await plan_of(self.session, sub.plan_id)
        served = in_service(sub, period)
        buckets: list[UsageBucket] = []
        if served:
            buckets = await usage_buckets(self.session, self.tenant_id, sub, plan,
                                          served.at(served.start),
                                          served.at(served.end)) or []
        return usage_of(sub, plan, buckets, period)


def in_service(sub: Subscription, period: Window) -> Window | None:
    """The days of `period` the subscription was in service, [started_on, ended_on), as
    billing counts them: the port's traffic before or after (another customer's, or none
    of anyone's) is not this customer's. None when there are none."""
    if sub.started_on is None:
        return None
    start, end = max(period.start, sub.started_on), min(period.end, sub.ended_on or period.end)
    return Window(start, end) if start < end else None


def _subscription(row: Subscription, plan: Plan) -> s.PortalSubscription:
    return s.PortalSubscription(
        id=row.id, plan_id=plan.id, plan_name=plan.name,
        price=from_minor(plan.price_minor, plan.currency), currency=plan.currency,
        period=plan.period, down_kbps=plan.down_kbps, up_kbps=plan.up_kbps,
        usage_kind=plan.usage_kind, status=row.status, started_on=row.started_on,
        ended_on=row.ended_on, term_ends_on=row.term_ends_on)


def _days(buckets: list[UsageBucket]) -> list[s.UsageDay]:
    totals: dict[date, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for bucket in buckets:
        day = totals[bucket.start.astimezone(UTC).date()]
        day[0] += Decimal(bucket.in_octets)
        day[1] += Decimal(bucket.out_octets)
    return [s.UsageDay(day=d, in_gb=i / GB, out_gb=o / GB) for d, (i, o) in sorted(totals.items())]


def usage_of(sub: Subscription, plan: Plan, buckets: list[UsageBucket],
             period: Window) -> s.UsagePublic:
    """The usage body from the plan's usage source (port counters or RADIUS sessions): GB as
    billing sums it (hub.billing.charges.gb_overage), p95 as billing rates it
    (hub.billing.charges.p95_overage: max(p95 in, p95 out) in Mb/s)."""
    used = sum((Decimal(b.in_octets) + Decimal(b.out_octets) for b in buckets),
               Decimal(0)) / GB
    out = s.UsagePublic(subscription_id=sub.id, usage_kind=plan.usage_kind, start=period.start,
                        end=period.end, days=_days(buckets), used_gb=used)
    if plan.usage_kind == "gb" and plan.gb_cap is not None:
        out.gb_cap, out.over_gb = plan.gb_cap, max(used - plan.gb_cap, Decimal(0))
    if plan.usage_kind == "p95":
        _p95(out, plan, buckets, period)
    return out


def _p95(out: s.UsagePublic, plan: Plan, buckets: list[UsageBucket], period: Window) -> None:
    by_start = {b.start: (b.in_octets, b.out_octets) for b in buckets}
    result = percentile_95(by_start, period.at(period.start), period.at(period.end))
    out.p95_in_mbps, out.p95_out_mbps = _mbps(result.p95_in_bps), _mbps(result.p95_out_bps)
    out.billable_mbps, out.committed_mbps = _mbps(result.billable_bps), plan.committed_mbps
    if out.billable_mbps is not None and plan.committed_mbps is not None:
        out.over_mbps = max(out.billable_mbps - plan.committed_mbps, Decimal(0))


def _mbps(bps: float | None) -> Decimal | None:
    return None if bps is None else Decimal(str(bps)) / MBPS
