"""Subscription lifecycle: pending -> active <-> suspended -> terminated, plus plan changes.

Every transition is recorded as a SubscriptionEvent (billing replays them for proration)
and requests the matching network action.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Plan, Subscription, SubscriptionEvent
from hub.billing.network import NetworkActions
from hub.errors import InvalidRequestError

ALLOWED = {"activate": {"pending"}, "suspend": {"active"}, "resume": {"suspended"},
           "terminate": {"active", "suspended"}, "change_plan": {"active", "suspended"}}
TARGET = {"activate": "active", "suspend": "suspended", "resume": "active",
          "terminate": "terminated"}


class Lifecycle:
    """Applies transitions to subscriptions already loaded through a tenant repository."""

    def __init__(self, session: AsyncSession, network: NetworkActions) -> None:
        self.session = session
        self.network = network

    def _check(self, sub: Subscription, kind: str) -> None:
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
        """Start service (and billing) on `on`."""
        self._check(sub, "activate")
        old, sub.status, sub.started_on = sub.status, "active", on
        self._event(sub, "activate", old, on, await self.network.activate(sub, plan))

    async def suspend(self, sub: Subscription, on: date, mode: str,
                      reason: str | None = None) -> None:
        """Suspend in `mode` (throttle keeps the payment portal reachable, or disconnect)."""
        self._check(sub, "suspend")
        old, sub.status, sub.suspend_reason = sub.status, "suspended", reason
        self._event(sub, "suspend", old, on, await self.network.suspend(sub, mode))

    async def resume(self, sub: Subscription, on: date) -> None:
        """Lift a suspension."""
        self._check(sub, "resume")
        old, sub.status, sub.suspend_reason = sub.status, "active", None
        self._event(sub, "resume", old, on, await self.network.resume(sub))

    async def terminate(self, sub: Subscription, on: date) -> None:
        """End service; `on` is the first day no longer billed."""
        self._check(sub, "terminate")
        old, sub.status, sub.ended_on = sub.status, "terminated", on
        self._event(sub, "terminate", old, on, await self.network.terminate(sub))

    async def change_plan(self, sub: Subscription, plan: Plan, on: date) -> None:
        """Move to `plan` from `on` (billing prorates both plans over the period)."""
        self._check(sub, "change_plan")
        sub.plan_id = plan.id
        action = await self.network.change_speed(sub, plan)
        self._event(sub, "change_plan", sub.status, on, action)
