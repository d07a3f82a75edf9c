"""Customers, plans (price versions) and tax rates: create, update, archive (issue #20).

Money already invoiced never changes here: a price change is a new plan version that
subscriptions move to by a plan change, and a tax rate change reaches only invoices created
after it (each invoice carries the rate it was made with).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing import schemas as s
from hub.billing.charges import BILLS_OVERAGE, THROTTLES
from hub.billing.events import subscription_changed
from hub.billing.lifecycle import Lifecycle
from hub.billing.models import Customer, Plan, Subscription, TaxRate
from hub.billing.repository import (
    Customers,
    Plans,
    TaxRates,
    balance,
    credit_balance,
    lock_customer,
)
from hub.errors import ConflictError, InvalidRequestError
from hub.repository import commit_or_conflict

_COPIED = ("name", "description", "currency", "down_kbps", "up_kbps", "period",
           "setup_fee_minor", "minimum_term_periods", "usage_kind", "gb_cap", "overage_per_gb",
           "committed_mbps", "price_per_mbps", "cap_action", "cap_throttle_down_kbps",
           "cap_throttle_up_kbps", "usage_source", "radius_suspended_action")


def _changes(body: BaseModel, nullable: set[str]) -> list[tuple[str, object]]:
    """The fields a PATCH body sets; null only where the column may be empty."""
    out = []
    for key in sorted(body.model_fields_set):
        value = getattr(body, key)
        if value is None and key not in nullable:
            raise InvalidRequestError(f"{key}: may not be null; leave it out to keep it")
        out.append((key, value))
    return out


def _cap_action(body: s.PlanCreate) -> str:
    """The plan's cap action (gb plans default to overage), once the usage fields agree
    with it: a gb plan needs its cap, overage its price, a throttle its rates (no faster
    than the plan's own)."""
    action = body.cap_action or ("overage" if body.usage_kind == "gb" else "none")
    if body.usage_source == "radius" and body.usage_kind != "gb":
        raise InvalidRequestError(f"plan: usage_source radius needs usage_kind gb (RADIUS "
                                  f"accounting counts bytes, not {body.usage_kind}); set "
                                  "usage_kind gb or usage_source snmp")
    if action != "none" and body.usage_kind != "gb":
        raise InvalidRequestError(f"plan: cap_action {action} needs usage_kind gb and a gb_cap; "
                                  "set usage_kind gb or cap_action none")
    needs = {"gb": ["gb_cap"], "p95": ["committed_mbps", "price_per_mbps"]}.get(
        body.usage_kind, [])
    needs += ["overage_per_gb"] if action in BILLS_OVERAGE else []
    needs += ["cap_throttle_down_kbps", "cap_throttle_up_kbps"] if action in THROTTLES else []
    missing = [f for f in needs if getattr(body, f) is None]
    if missing:
        raise InvalidRequestError(f"plan: usage_kind {body.usage_kind} with cap_action {action} "
                                  f"needs {missing}")
    throttle = (body.cap_throttle_down_kbps or 0, body.cap_throttle_up_kbps or 0)
    if throttle[0] > body.down_kbps or throttle[1] > body.up_kbps:
        raise InvalidRequestError("plan: cap throttle rates must not exceed the plan's "
                                  f"{body.down_kbps}/{body.up_kbps} kb/s; lower them")
    return action


def _account_taken(number: str | None) -> str:
    return (f"account number {number}: already used by another customer of the tenant; "
            "choose another" if number else "customer: could not be saved")


def _family(plan: Plan) -> uuid.UUID:
    return plan.family_id or plan.id


def _not_archived(plan: Plan) -> None:
    if plan.archived_at is not None:
        raise ConflictError(f"plan {plan.name}: archived; no new subscriptions, plan changes or "
                            "versions on it (subscriptions on it keep running)")


def today_utc() -> date:
    """The current UTC date (the API's clock)."""
    return datetime.now(UTC).date()


class Catalogue:
    """Customers, plans and tax rates of one tenant; one commit per change."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID, lifecycle: Lifecycle,
                 ) -> None:
        self.session, self.lifecycle = session, lifecycle
        self.customers, self.plans = Customers(session, tenant_id), Plans(session, tenant_id)
        self.taxes = TaxRates(session, tenant_id)

    async def create_customer(self, body: s.CustomerCreate) -> Customer:
        """Add a customer."""
        row = self.customers.add(Customer(**body.model_dump()))
        await commit_or_conflict(self.session, _account_taken(body.account_number))
        return row

    async def update_customer(self, customer_id: uuid.UUID, body: s.CustomerUpdate,
                              ) -> Customer:
        """Change the fields sent (account number unique in the tenant)."""
        row = await self.customers.get(customer_id)
        changes = _changes(body, nullable={"account_number", "tax_jurisdiction", "billing_day"})
        if body.tax_jurisdiction is not None:
            found = await self.taxes.of_jurisdiction(body.tax_jurisdiction)
            if found is None or found.archived_at is not None:
                raise InvalidRequestError(
                    f"tax_jurisdiction {body.tax_jurisdiction!r}: no tax rate in use for it; "
                    "add one with POST /billing/tax-rates or choose another")
        for key, value in changes:
            setattr(row, key, value)
        await commit_or_conflict(self.session, _account_taken(body.account_number))
        return row

    async def archive_customer(self, customer_id: uuid.UUID) -> Customer:
        """Archive a customer with no subscription left in service and a settled ledger
        (nothing owed, no credit to refund); archiving again changes nothing."""
        row = await self.customers.get(customer_id)
        if row.archived_at is not None:
            return row
        await lock_customer(self.session, row.id)
        if n := await self.customers.open_subscriptions(row.id):
            raise ConflictError(f"customer {row.id}: {n} subscription(s) still pending, active "
                                "or suspended; terminate them before archiving")
        owed, credit = await balance(self.session, row.id), await credit_balance(self.session,
                                                                                 row.id)
        if owed or credit:
            raise ConflictError(
                f"customer {row.id}: open balance {owed} and credit {credit} minor units "
                f"{row.currency}; settle the invoices or refund the credit before archiving")
        row.archived_at = datetime.now(UTC)
        await self.session.commit()
        return row

    async def create_plan(self, body: s.PlanCreate) -> Plan:
        """Add a plan (its version 1); usage fields must match the usage kind and the cap
        action."""
        cap_action = _cap_action(body)
        if body.period != "month" and body.minimum_term_periods:
            raise InvalidRequestError(
                f"plan: a minimum term is only supported on monthly plans, not {body.period}ly "
                "ones; set minimum_term_periods to 0 or bill the plan monthly")
        plan_id = uuid.uuid4()
        row = self.plans.add(Plan(**body.model_dump(exclude={"cap_action"}), id=plan_id,
                                  family_id=plan_id, version=1, cap_action=cap_action))
        await commit_or_conflict(self.session, "plan: could not be created")
        return row

    async def update_plan(self, plan_id: uuid.UUID, body: s.PlanUpdate) -> Plan:
        """Rename or redescribe a plan: every version of it (prices never change here)."""
        row = await self.plans.get(plan_id)
        changes = _changes(body, nullable=set())
        for version in await self.plans.versions(_family(row)):
            for key, value in changes:
                setattr(version, key, value)
        await self.session.commit()
        return row

    async def archive_plan(self, plan_id: uuid.UUID) -> Plan:
        """Archive every version of a plan: no new subscription or plan change to it;
        subscriptions on it keep running and are invoiced as before."""
        row = await self.plans.get(plan_id)
        now = datetime.now(UTC)
        for version in await self.plans.versions(_family(row)):
            version.archived_at = version.archived_at or now
        await self.session.commit()
        return row

    async def add_plan_version(self, plan_id: uuid.UUID, body: s.PlanVersionCreate) -> Plan:
        """A new price from `effective_from`, after the latest version's start."""
        row = await self.plans.get(plan_id)
        _not_archived(row)
        latest = (await self.plans.versions(_family(row)))[-1]
        if latest.effective_from is not None and body.effective_from <= latest.effective_from:
            raise ConflictError(
                f"plan {row.name}: version {latest.version} starts {latest.effective_from}; a "
                f"new version must start after it, not on {body.effective_from}")
        copy = {c: getattr(latest, c) for c in _COPIED}
        version = self.plans.add(Plan(**copy, family_id=_family(row), version=latest.version + 1,
                                      price_minor=body.price_minor,
                                      effective_from=body.effective_from))
        latest.superseded_from = body.effective_from
        await commit_or_conflict(self.session, f"plan {row.name}: version not created")
        return version

    async def current_plan(self, plan_id: uuid.UUID, on: date, field: str) -> Plan:
        """The version in force on `on` of the plan named in a body; an archived plan is a
        409 (no new subscriptions or plan changes to it)."""
        named = await self.plans.get_reference(plan_id, field)
        _not_archived(named)
        return await self.plans.current(_family(named), on)

    async def move_to_current(self, plan_id: uuid.UUID, body: s.PlanMove) -> s.PlanMoveResult:
        """Change every active or suspended subscription on an older version of the plan to
        the version in force on `on` (a plan change, prorated and adjusted like any other);
        a change the minimum term forbids (a lower price) is refused and reported."""
        on = body.on or today_utc()
        row = await self.plans.get(plan_id)
        target = await self.plans.current(_family(row), on)
        moved, refused = [], []
        for sub in await self.plans.on_older_versions(_family(row), target.version):
            reason = await self._move(sub, target, on)
            if reason is None:
                moved.append(sub.id)
            else:
                refused.append({"subscription_id": str(sub.id), "reason": reason})
        await self.session.commit()
        return s.PlanMoveResult(version_id=target.id, moved=moved, refused=refused)

    async def _move(self, sub: Subscription, target: Plan, on: date) -> str | None:
        """Change `sub` to `target` from `on` in a savepoint; why not, when refused."""
        if sub.started_on is not None and sub.started_on > on:
            return (f"subscription {sub.id}: starts {sub.started_on}, after {on}; move it on "
                    "or after its start")
        try:
            async with self.session.begin_nested():
                await self.lifecycle.change_plan(sub, target, on)
                await subscription_changed(self.session, sub, "change_plan", on)
        except InvalidRequestError as exc:
            return str(exc.detail)
        return None

    async def create_tax_rate(self, body: s.TaxRateCreate) -> TaxRate:
        """Add the rate of a jurisdiction (409 if it already has one)."""
        row = self.taxes.add(TaxRate(**body.model_dump()))
        await commit_or_conflict(self.session, f"tax rate {body.jurisdiction}: already defined "
                                 "(archived or not); PATCH it or use another jurisdiction code")
        return row

    async def update_tax_rate(self, rate_id: uuid.UUID, body: s.TaxRateUpdate) -> TaxRate:
        """Rename, or change the rate of invoices created from now on (those already made
        keep the rate they carry)."""
        row = await self.taxes.get(rate_id)
        for key, value in _changes(body, nullable=set()):
            setattr(row, key, value)
        await self.session.commit()
        return row

    async def archive_tax_rate(self, rate_id: uuid.UUID) -> TaxRate:
        """Archive a rate no customer (not archived) is taxed at any more."""
        row = await self.taxes.get(rate_id)
        if row.archived_at is None:
            if n := await self.customers.in_jurisdiction(row.jurisdiction):
                raise ConflictError(
                    f"tax rate {row.jurisdiction}: {n} customer(s) are still taxed in it; move "
                    "them to another jurisdiction (PATCH /billing/customers/{id}) first")
            row.archived_at = datetime.now(UTC)
            await self.session.commit()
        return row
