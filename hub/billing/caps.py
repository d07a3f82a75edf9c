"""GB caps that throttle: slow a subscriber over the cap until its billing period ends.

A plan whose `cap_action` is `throttle` or `overage_and_throttle` (hub.billing.charges)
throttles an active subscription once its usage in the current billing period (the plan's
month, quarter or year; the rollups invoicing reads, from the day service started) exceeds
`gb_cap`: one `change_speed` network action to the plan's cap throttle rates, a
`cap_throttle` SubscriptionEvent and the `subscription.cap_throttled` webhook. The throttle
holds for that period only: the first run in a later period re-rates the port to the plan
(`cap_restore`) and clears the state, unless the new period is already over the cap too.

Dunning owns suspended subscriptions: no network action is sent for them. A throttle
recorded on one carries over to its resume in the same period (hub.billing.network resumes
at the throttle rate), and is dropped once the period is over (the resume then brings the
plan's rate). A plan change re-rates the port to the new plan, so a throttle applied under
an earlier plan event is dropped and the new plan's cap evaluated. Each subscription is
decided under its row lock and committed on its own: a second run the same day, or a
concurrent one, finds nothing left to do.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing import webhooks
from hub.billing.charges import THROTTLES, gb_used, over_cap, throttle_rates, throttles_at_cap
from hub.billing.invoicing import billing_period
from hub.billing.models import Plan, Subscription, SubscriptionEvent
from hub.billing.network import NetworkActions, network_actions
from hub.billing.repository import lock_subscription, plan_of
from hub.billing.repository.caps import cap_candidates, latest_plan_event
from hub.billing.usage import gb_octets
from hub.principal import Principal

log = logging.getLogger("dotmac.hub.billing")


@dataclass
class CapReport:
    """What one run did, by subscription id."""

    today: date
    checked: int = 0
    throttled: list[uuid.UUID] = field(default_factory=list)
    restored: list[uuid.UUID] = field(default_factory=list)
    cleared: list[uuid.UUID] = field(default_factory=list)  # dropped without a network action

    def summary(self) -> str:
        """One line for a scheduled run's history."""
        return (f"usage caps {self.today}: checked={self.checked} "
                f"throttled={len(self.throttled)} restored={len(self.restored)} "
                f"cleared={len(self.cleared)}")


def cap_principal(tenant_id: uuid.UUID) -> Principal:
    """Who a scheduled run's provisioning jobs are requested by: the tenant's billing
    automation (the jobs' `requested_by` is the tenant id)."""
    return Principal("system", tenant_id, tenant_id, frozenset({"jobs:write"}), ("billing",))


async def enforce_usage_caps(session: AsyncSession, tenant_id: uuid.UUID, today: date,
                             network: NetworkActions | None = None) -> CapReport:
    """Throttle the tenant's subscriptions over their GB cap, restore those whose period
    ended; `today` picks the billing period. Commits once per subscription checked;
    running it again the same day changes nothing."""
    caps = UsageCaps(session, tenant_id,
                     network or network_actions(session, cap_principal(tenant_id)))
    return await caps.run(today)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


class UsageCaps:
    """The GB-cap run of one tenant."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID,
                 network: NetworkActions) -> None:
        self.session, self.tenant_id, self.network = session, tenant_id, network

    async def run(self, today: date) -> CapReport:
        """Check every candidate under its lock, one commit each."""
        report = CapReport(today)
        for sub in await cap_candidates(self.session, self.tenant_id, THROTTLES):
            await lock_subscription(self.session, sub)  # reloaded as committed
            report.checked += 1
            outcome = await self._check(sub, today)
            if outcome is not None:
                getattr(report, outcome).append(sub.id)
            await self.session.commit()
        log.info("billing.usage_caps tenant=%s %s", self.tenant_id, report.summary())
        return report

    async def _check(self, sub: Subscription, today: date) -> str | None:
        """The outcome for one subscription: throttled, restored, cleared or None."""
        if sub.status not in ("active", "suspended"):
            return None  # ended since it was listed
        plan = await plan_of(self.session, sub.plan_id)
        period = billing_period(plan.period, today)
        cleared = False
        if sub.cap_throttled_period is not None:
            if await self._rerated(sub) or (sub.status == "suspended"
                                            and sub.cap_throttled_period != period[0]):
                _clear(sub)
                cleared = True
            elif sub.cap_throttled_period == period[0]:
                return None  # throttled for this period already
            else:
                return await self._new_period(sub, plan, period, today)
        if sub.status == "active" and throttles_at_cap(plan):
            octets = await self._octets(sub, period)
            if over_cap(plan, octets):
                await self._throttle(sub, plan, period, octets, today)
                return "throttled"
        return "cleared" if cleared else None

    async def _rerated(self, sub: Subscription) -> bool:
        """Whether a plan change set the port to a plan's rate after the throttle."""
        return await latest_plan_event(self.session, sub.id) != sub.cap_plan_event_id

    async def _octets(self, sub: Subscription, period: tuple[date, date]) -> Decimal:
        """(in + out) octets of the subscription in the period so far, from the day service
        started, from its plan's usage source (port rollups or RADIUS sessions): what
        invoicing rates usage from."""
        if sub.started_on is None:
            return Decimal(0)
        start = max(period[0], sub.started_on)
        plan = await plan_of(self.session, sub.plan_id)
        used = await gb_octets(self.session, self.tenant_id, sub, plan, _midnight(start),
                               _midnight(period[1]))
        return Decimal(0) if used is None else used

    async def _throttle(self, sub: Subscription, plan: Plan, period: tuple[date, date],
                        octets: Decimal, today: date) -> None:
        rates = throttle_rates(plan)
        assert rates is not None  # throttles_at_cap
        action = await self.network.throttle_cap(sub, *rates)
        sub.cap_throttled_since, sub.cap_throttled_period = today, period[0]
        sub.cap_plan_event_id = await latest_plan_event(self.session, sub.id)
        self._event(sub, "cap_throttle", today, action)
        webhooks.subscription_cap(self.session, sub, "cap_throttle", {
            "period_start": period[0], "period_end": period[1], "used_gb": str(gb_used(octets)),
            "gb_cap": str(plan.gb_cap), "down_kbps": rates[0], "up_kbps": rates[1],
            "effective_on": today})
        log.info("billing.cap_throttled subscription=%s period=%s used_gb=%s cap_gb=%s",
                 sub.id, period[0], gb_used(octets), plan.gb_cap)

    async def _new_period(self, sub: Subscription, plan: Plan, period: tuple[date, date],
                          today: date) -> str | None:
        """A throttle of an earlier period: carried over when the new period is over the cap
        already (the port stays throttled), else the port goes back to the plan's rate."""
        if throttles_at_cap(plan) and over_cap(plan, await self._octets(sub, period)):
            sub.cap_throttled_period = period[0]
            return None
        action = await self.network.restore_rate(sub, plan)
        throttled_since = sub.cap_throttled_since
        _clear(sub)
        self._event(sub, "cap_restore", today, action)
        webhooks.subscription_cap(self.session, sub, "cap_restore", {
            "period_start": period[0], "period_end": period[1],
            "throttled_since": throttled_since, "down_kbps": plan.down_kbps,
            "up_kbps": plan.up_kbps, "effective_on": today})
        log.info("billing.cap_restored subscription=%s period=%s", sub.id, period[0])
        return "restored"

    def _event(self, sub: Subscription, kind: str, on: date, action_id: uuid.UUID) -> None:
        self.session.add(SubscriptionEvent(
            tenant_id=sub.tenant_id, subscription_id=sub.id, kind=kind, from_status=sub.status,
            to_status=sub.status, plan_id=sub.plan_id, effective_on=on, action_id=action_id))


def _clear(sub: Subscription) -> None:
    sub.cap_throttled_since = sub.cap_throttled_period = sub.cap_plan_event_id = None
