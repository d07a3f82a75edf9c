"""Dunning: reminder, throttle and suspension steps for overdue invoices.

A step is due once the invoice is that many days past its due date; nothing is done on a
quiet weekday or holiday (the step then happens on the next working day). Each step is
taken once per invoice (unique constraint).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.events import subscription_changed
from hub.billing.lifecycle import Lifecycle
from hub.billing.models import DunningPolicy, DunningStep, Invoice, Subscription
from hub.billing.payments import invoice_open
from hub.billing.repository import (
    Invoices,
    dunning_policy,
    lock_customer,
    steps_taken,
    subscription_of,
)


def is_quiet(policy: DunningPolicy, day: date) -> bool:
    """True on a configured quiet weekday (0 = Monday) or holiday."""
    return day.weekday() in (policy.quiet_weekdays or []) or day.isoformat() in (
        policy.holidays or [])


def due_steps(policy: DunningPolicy, days_overdue: int) -> list[str]:
    """Steps whose threshold `days_overdue` has reached, in escalation order."""
    thresholds = (("reminder", policy.reminder_days), ("throttle", policy.throttle_days),
                  ("suspend", policy.suspend_days))
    return [name for name, days in thresholds if days is not None and days_overdue >= days]


class Dunning:
    """Runs the tenant's dunning policy for one day."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID, lifecycle: Lifecycle,
                 ) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.lifecycle = lifecycle

    async def policy(self) -> DunningPolicy:
        """The tenant's policy (created with defaults on first use)."""
        return await dunning_policy(self.session, self.tenant_id)

    async def run(self, today: date) -> list[DunningStep]:
        """Take every step due today; returns the steps taken (none on a quiet day)."""
        policy = await self.policy()
        if is_quiet(policy, today):
            return []
        taken: list[DunningStep] = []
        for invoice in await self._overdue(today):
            assert invoice.due_on is not None
            done = await steps_taken(self.session, invoice.id)
            for step in due_steps(policy, (today - invoice.due_on).days):
                row = None if step in done else await self._take(policy, invoice, step, today)
                taken += [row] if row else []
        await self.session.flush()
        return taken

    async def _overdue(self, today: date) -> list[Invoice]:
        due = await Invoices(self.session, self.tenant_id).finalized_due_before(today)
        return [i for i in due if invoice_open(i) > 0]

    async def _take(self, policy: DunningPolicy, invoice: Invoice, step: str,
                    today: date) -> DunningStep | None:
        """Take one step; None when a payment settled the invoice since it was read."""
        # Customer row first, as payments do (then the subscription), and the invoice as
        # committed now: a racing payment either finished (skip) or waits for this
        # transaction and then resumes the subscription.
        await lock_customer(self.session, invoice.customer_id)
        await self.session.refresh(invoice)
        if invoice_open(invoice) <= 0:
            return None
        sub = None
        if step != "reminder" and invoice.subscription_id is not None:
            sub = await subscription_of(self.session, invoice.subscription_id)
            await self.lifecycle.lock(sub)
        row = DunningStep(tenant_id=self.tenant_id, invoice_id=invoice.id,
                          customer_id=invoice.customer_id, step=step, taken_on=today)
        self.session.add(row)
        if sub is not None:
            await self._restrict(sub, "throttle" if step == "throttle" else policy.mode, today)
        return row

    async def _restrict(self, sub: Subscription, mode: str, today: date) -> None:
        if sub.status == "active":
            await self.lifecycle.suspend(sub, today, mode, reason="dunning")
            await subscription_changed(self.session, sub, "suspend", today)
        elif sub.status == "suspended" and mode == "disconnect":
            # Escalation from throttle: same billing state, harsher network state.
            await self.lifecycle.network.suspend(sub, mode)
