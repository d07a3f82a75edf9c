"""Subscription lifecycle: pending -> active <-> suspended -> terminated, plus plan changes.

Every transition is recorded as a SubscriptionEvent (billing replays them for proration)
and requests the matching network action.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.charges import early_termination, term_ends_on
from hub.billing.models import Invoice, Plan, Subscription, SubscriptionEvent
from hub.billing.network import NetworkActions
from hub.billing.repository import invoiced_until, lock_subscription, plan_of
from hub.errors import ForbiddenError, InvalidRequestError
from hub.permissions import Role
from hub.principal import Principal

ALLOWED = {"activate": {"pending"}, "suspend": {"active"}, "resume": {"suspended"},
           "terminate": {"active", "suspended"}, "change_plan": {"active", "suspended"}}
TARGET = {"activate": "active", "suspend": "suspended", "resume": "active",
          "terminate": "terminated"}


class Lifecycle:
    """Applies transitions to subscriptions already loaded through a tenant repository."""

    def __init__(self, session: AsyncSession, network: NetworkActions) -> None:
        self.session = session
        self.network = network

    async def lock(self, sub: Subscription) -> None:
        """Lock the customer's row, then the subscription's, and reload the subscription.

        On PostgreSQL (`FOR NO KEY UPDATE`) concurrent transitions of one subscription take
        turns, from any process; each then checks the state the previous one committed, so
        one of two racing steps is refused instead of both queueing jobs. SQLite has a single
        writer and ignores the clause.
        """
        await lock_subscription(self.session, sub)

    async def _check(self, sub: Subscription, kind: str) -> None:
        await self.lock(sub)
        if sub.status not in ALLOWED[kind]:
            raise InvalidRequestError(
                f"subscription {sub.id}: cannot {kind.replace('_', ' ')} while {sub.status}; "
                f"allowed from {sorted(ALLOWED[kind])}")

    def _event(self, sub: Subscription, kind: str, old: str, on: date,
               action_id: uuid.UUID | None) -> None:
        self.session.add(SubscriptionEvent(
            tenant_id=sub.tenant_id, subscription_id=sub.id, kind=kind, from_status=old,
            to_status=sub.status, plan_id=sub.plan_id, effective_on=on, action_id=action_id))

    async def activate(self, sub: Subscription, plan: Plan, on: date) -> None:
        """Start service (and billing) on `on`, and the plan's minimum term with it."""
        await self._check(sub, "activate")
        old, sub.status, sub.started_on = sub.status, "active", on
        sub.term_ends_on = term_ends_on(on, plan)
        self._event(sub, "activate", old, on, await self.network.activate(sub, plan))

    async def suspend(self, sub: Subscription, on: date, mode: str,
                      reason: str | None = None) -> None:
        """Suspend in `mode` (throttle keeps the payment portal reachable, or disconnect)."""
        await self._check(sub, "suspend")
        old, sub.status, sub.suspend_reason = sub.status, "suspended", reason
        self._event(sub, "suspend", old, on, await self.network.suspend(sub, mode))

    async def resume(self, sub: Subscription, on: date) -> None:
        """Lift a suspension."""
        await self._check(sub, "resume")
        old, sub.status, sub.suspend_reason = sub.status, "active", None
        self._event(sub, "resume", old, on, await self.network.resume(sub))

    async def terminate(self, sub: Subscription, on: date,
                        waived_by: uuid.UUID | None = None, today: date | None = None,
                        ) -> list[Invoice]:
        """End service; `on` is the first day no longer billed. Before the minimum term
        ends, the next invoice carries the early-termination charge unless `waived_by`.
        Days from `on` (from the term's end while the charge applies) in periods already
        invoiced are credited now: the credit notes issued on `today` (default: UTC today)
        are returned (hub.billing.termination)."""
        # Imported here: termination issues notes through invoicing, whose payments take a
        # Lifecycle (a module-level import would be circular).
        from hub.billing.termination import TerminationCredit

        await self._check(sub, "terminate")
        plan = await plan_of(self.session, sub.plan_id)
        billed = await invoiced_until(self.session, sub.id)
        if early_termination(plan, sub.term_ends_on, on, billed) is not None:
            sub.term_waived_by = waived_by
            sub.termination_fee_pending = waived_by is None
        old, sub.status, sub.ended_on = sub.status, "terminated", on
        self._event(sub, "terminate", old, on, await self.network.terminate(sub))
        term = sub.term_ends_on if waived_by is None else None
        credit_from = max(on, term) if term is not None else on
        return await TerminationCredit(self.session, sub).issue(
            credit_from, today or datetime.now(UTC).date())

    async def change_plan(self, sub: Subscription, plan: Plan, on: date) -> None:
        """Move to `plan` from `on` (billing prorates both plans over the period); a cheaper
        plan is refused until the minimum term ends. A change within the term keeps its end;
        outside a term, a plan with a minimum term starts its term on `on`."""
        await self._check(sub, "change_plan")
        await self._check_downgrade(sub, plan, on)
        if sub.term_ends_on is None or on >= sub.term_ends_on:
            sub.term_ends_on = term_ends_on(on, plan) or sub.term_ends_on
        sub.plan_id = plan.id
        billed = await invoiced_until(self.session, sub.id)
        if billed is not None and on < billed:  # the next billing run adjusts those days
            sub.adjustment_pending = True
        action = await self.network.change_speed(sub, plan)
        self._event(sub, "change_plan", sub.status, on, action)

    async def _check_downgrade(self, sub: Subscription, plan: Plan, on: date) -> None:
        current = await plan_of(self.session, sub.plan_id)
        ends = sub.term_ends_on
        if plan.price_minor >= current.price_minor or ends is None or on >= ends:
            return
        raise InvalidRequestError(
            f"plan {plan.name}: a downgrade from {current.name} is refused until {ends}, "
            f"the end of the subscription's minimum term; change on or after {ends}")


WAIVER_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.BILLING})


def waiver(principal: Principal, waive: bool) -> uuid.UUID | None:
    """Who waives the minimum term (None when not asked); only owner, admin and billing
    users may."""
    if not waive:
        return None
    if not WAIVER_ROLES.intersection(principal.roles):
        raise ForbiddenError("waive_minimum_term: only owner, admin or billing users may waive "
                             "the early-termination charge; ask one of them")
    return principal.id
