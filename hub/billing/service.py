"""Billing use cases behind the API: tenant-scoped via the repositories, one commit each."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing import schemas as s
from hub.billing.catalogue import Catalogue
from hub.billing.catalogue import today_utc as today_utc  # the API clock, used by analytics
from hub.billing.dunning import Dunning
from hub.billing.events import subscription_changed
from hub.billing.invoicing import Invoicing
from hub.billing.lifecycle import Lifecycle, waiver
from hub.billing.models import (
    DunningPolicy,
    Invoice,
    Payment,
    Plan,
    Subscription,
)
from hub.billing.network import (
    NetworkActions,
    network_actions,
    network_view,
)
from hub.billing.payments import PaymentService, request_hash
from hub.billing.repository import (
    Customers,
    Invoices,
    Payments,
    Plans,
    Subscriptions,
    TaxRates,
    balance,
    credit_balance,
    invoice_lines,
)
from hub.errors import ConflictError, InvalidRequestError
from hub.inventory.repository import DeviceRepository
from hub.pagination import PageParams
from hub.principal import Principal
from hub.repository import commit_or_conflict


class BillingService:
    """Everything the billing routes do, for one caller."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 network: NetworkActions | None = None) -> None:
        tid = principal.tenant_id
        self.session, self.tenant_id = session, tid
        self.customers, self.plans = Customers(session, tid), Plans(session, tid)
        self.subs, self.invoices = Subscriptions(session, tid), Invoices(session, tid)
        self.payments, self.taxes = Payments(session, tid), TaxRates(session, tid)
        self.principal = principal
        self.lifecycle = Lifecycle(session, network or network_actions(session, principal))
        self.catalogue = Catalogue(session, tid, self.lifecycle)

    async def create_subscription(self, body: s.SubscriptionCreate) -> Subscription:
        """A pending subscription; currency of plan and customer must agree."""
        customer = await self.customers.get_reference(body.customer_id, "customer_id")
        if customer.archived_at is not None:
            raise ConflictError(f"customer {customer.id}: archived; new subscriptions need a "
                                "customer in use")
        plan = await self.catalogue.current_plan(body.plan_id, today_utc(), "plan_id")
        if body.device_id is not None:
            await DeviceRepository(self.session, self.tenant_id).get_reference(
                body.device_id, "device_id")
        if plan.currency != customer.currency:
            raise InvalidRequestError(f"plan {plan.id}: priced in {plan.currency} but the "
                                      f"customer is billed in {customer.currency}")
        row = self.subs.add(Subscription(**body.model_dump(exclude={"plan_id"}), plan_id=plan.id,
                                         status="pending"))
        await commit_or_conflict(self.session, "subscription: could not be created")
        return row

    async def describe(self, sub: Subscription) -> s.SubscriptionPublic:
        """The subscription with its network state and disagreement flag."""
        out = s.SubscriptionPublic.model_validate(sub)
        view = await network_view(self.session, sub)  # one read of the action history
        out.network_state, out.out_of_sync = view.state, view.out_of_sync
        out.network_problem, out.network_jobs = view.problem, view.jobs
        return out

    async def transition(self, sub_id: uuid.UUID, body: s.Transition) -> Subscription:
        """Apply one lifecycle step (and request its network action)."""
        sub, on = await self.subs.get(sub_id), body.on or today_utc()
        if body.action == "change_plan":
            if body.plan_id is None:
                raise InvalidRequestError("plan_id: required to change plan")
            await self.lifecycle.change_plan(sub, await self._plan_change_target(
                sub, body.plan_id, on), on)
        elif body.action == "activate":
            await self.lifecycle.activate(sub, await self.plans.get(sub.plan_id), on)
        elif body.action == "suspend":
            await self.lifecycle.suspend(sub, on, body.mode)
        elif body.action == "terminate":
            await self.lifecycle.terminate(sub, on, waiver(self.principal,
                                                           body.waive_minimum_term))
        else:
            await getattr(self.lifecycle, body.action)(sub, on)
        await subscription_changed(self.session, sub, body.action, on)
        await self.session.commit()
        return sub

    async def _plan_change_target(self, sub: Subscription, plan_id: uuid.UUID, on: date,
                                  ) -> Plan:
        """The version in force on `on` of the plan named; its billing period must be the
        subscription's (a period change is a new subscription)."""
        plan = await self.catalogue.current_plan(plan_id, on, "plan_id")
        current = await self.plans.get(sub.plan_id)
        if plan.period != current.period:
            raise InvalidRequestError(
                f"plan {plan.name}: billed per {plan.period} but the subscription is billed per "
                f"{current.period}; terminate it and subscribe again to change the period")
        return plan

    async def run(self, body: s.BillingRun) -> list[Invoice]:
        """A billing run; re-running the same period creates nothing."""
        made = await Invoicing(self.session, self.tenant_id).run(
            body.period, body.today or today_utc())
        await self.session.commit()
        return made

    async def invoice_out(self, invoice: Invoice) -> s.InvoicePublic:
        """An invoice with its lines."""
        out = s.InvoicePublic.model_validate(invoice)
        out.lines = [s.LinePublic.model_validate(x)
                     for x in await invoice_lines(self.session, invoice.id)]
        return out

    async def credit_note(self, invoice_id: uuid.UUID, body: s.CreditNoteCreate) -> Invoice:
        """Issue a credit note against a finalized invoice."""
        invoice = await self.invoices.get(invoice_id)
        note = await Invoicing(self.session, self.tenant_id).credit_note(
            invoice, body.amount, body.reason, today_utc())
        await self.session.commit()
        return note

    def _payments(self) -> PaymentService:
        return PaymentService(self.session, self.tenant_id, self.lifecycle)

    async def pay(self, body: s.PaymentCreate, key: str | None = None,
                  ) -> tuple[Payment, bool]:
        """Record a manual payment with optional explicit allocations; with an
        Idempotency-Key, a retry answers the payment already made (created False)."""
        payments = self._payments()
        digest = request_hash(body)
        if key is not None and (found := await payments.replayed(key, digest)) is not None:
            return found, False
        customer = await self.customers.get_reference(body.customer_id, "customer_id")
        named = [(await self.invoices.get_reference(a.invoice_id, "invoice_id"), a.amount_minor)
                 for a in body.allocations]
        payment = await payments.record(customer, body.amount_minor,
                                        body.received_on or today_utc(), body.reference,
                                        "manual", named,
                                        (key, digest) if key is not None else None)
        await commit_or_conflict(self.session, f"payment reference {body.reference}: exists")
        return payment, True

    async def import_csv(self, body: s.PaymentImport) -> s.ImportPublic:
        """Import payments from CSV (re-importing the same references adds nothing)."""
        rows = await self.customers.all()
        result = await self._payments().import_csv(body.csv, {c.id: c for c in rows})
        await self.session.commit()
        return s.ImportPublic(created=len(result.created), duplicates=result.duplicates,
                              errors=result.errors)

    async def refund(self, customer_id: uuid.UUID, body: s.RefundCreate) -> s.LedgerPublic:
        """Refund credit balance; answers the new ledger."""
        customer = await self.customers.get(customer_id)
        await self._payments().refund(customer, body.amount_minor, body.on or today_utc())
        await self.session.commit()
        return await self.ledger(customer_id)

    async def ledger(self, customer_id: uuid.UUID) -> s.LedgerPublic:
        """Balance, credit and every entry of a customer."""
        customer = await self.customers.get(customer_id)
        entries = [s.LedgerLine.model_validate(e)
                   for e in await self.customers.ledger(customer.id)]
        return s.LedgerPublic(balance_minor=await balance(self.session, customer.id),
                              credit_minor=await credit_balance(self.session, customer.id),
                              currency=customer.currency, entries=entries)

    def _dunning(self) -> Dunning:
        return Dunning(self.session, self.tenant_id, self.lifecycle)

    async def policy(self) -> DunningPolicy:
        """The dunning policy (defaults on first read)."""
        row = await self._dunning().policy()
        await self.session.commit()
        return row

    async def set_policy(self, body: s.DunningPolicyBody) -> DunningPolicy:
        """Replace the dunning policy."""
        row = await self._dunning().policy()
        for key, value in body.model_dump().items():
            setattr(row, key, value)
        await self.session.commit()
        return row

    async def dunning_run(self, body: s.DunningRun) -> s.DunningRunResult:
        """Take the dunning steps due today."""
        steps = await self._dunning().run(body.today or today_utc())
        await self.session.commit()
        return s.DunningRunResult(steps=[{"invoice_id": str(x.invoice_id), "step": x.step}
                                         for x in steps])

    async def list_invoices(self, page: PageParams, customer_id: uuid.UUID | None,
                            ) -> tuple[list[Invoice], str | None]:
        """Invoices, optionally of one customer."""
        return await self.invoices.page_of(page, customer_id)


# ---- scheduled billing (hub.schedules runs these; registered in hub.handlers) ----

SCHEDULER_ID = uuid.UUID("5c4ed01e-0000-4000-8000-000000000001")  # jobs' requested_by


def scheduler_principal(tenant_id: uuid.UUID) -> Principal:
    """Who scheduled work acts as: the system, inside the tenant."""
    return Principal("system", SCHEDULER_ID, tenant_id, frozenset(), ("scheduler",))


async def scheduled_billing_due(session: AsyncSession, tenant_id: uuid.UUID, day: date,
                                tenant_day: int) -> list[tuple[uuid.UUID, str]]:
    """(subscription, period kind) the scheduled billing run invoices on the local `day`:
    those not yet invoiced for the period whose customer's billing day (theirs, else
    `tenant_day`) has come."""
    return await Invoicing(session, tenant_id).due_on(
        day, lambda customer: customer.billing_day or tenant_day)


async def invoice_one_scheduled(session: AsyncSession, tenant_id: uuid.UUID,
                                sub_id: uuid.UUID, kind: str, day: date) -> bool:
    """Invoice one subscription for its period containing `day`, issued on `day`, and
    commit (its own transaction: the invoice number counter is locked in it, so a process
    killed here leaves no gap); False when it had an invoice for the period already."""
    sub = await Subscriptions(session, tenant_id).get(sub_id)
    made = await Invoicing(session, tenant_id).run_one(sub, kind, day, day)
    await session.commit()
    return made is not None


async def scheduled_dunning(session: AsyncSession, tenant_id: uuid.UUID, today: date) -> int:
    """Take the dunning steps due `today` (as POST /billing/dunning/run does); steps taken."""
    lifecycle = Lifecycle(session, network_actions(session, scheduler_principal(tenant_id)))
    steps = await Dunning(session, tenant_id, lifecycle).run(today)
    await session.commit()
    return len(steps)
