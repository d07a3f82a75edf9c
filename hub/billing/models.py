"""Billing tables. Money columns are integer minor units (`*_minor`) with a currency code."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, TenantOwned, UTCDateTime, utcnow

Rate = Numeric(18, 6)  # prices per unit and tax rates: not money amounts, never rounded


def _fk(table: str, nullable: bool = False) -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True,
                         nullable=nullable)


class Customer(TenantOwned, Base):
    """A subscriber account; its currency is the currency of all its invoices."""

    __tablename__ = "billing_customers"

    __table_args__ = (UniqueConstraint("tenant_id", "account_number",
                                       name="uq_billing_customers_account_number"),)

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    account_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    contacts: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    service_address: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    tax_jurisdiction: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Archived: hidden from the default list, no new subscriptions (docs/billing.md).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Day of the month (1-28) the scheduled billing run invoices this customer; None: the
    # tenant's billing day (the billing schedule's `day` param). docs/scheduling.md
    billing_day: Mapped[int | None] = mapped_column(Integer, nullable=True)


def _default_cap_action(context: DefaultExecutionContext) -> str:
    """A gb plan bills the GB above its cap unless told otherwise (the behaviour before
    cap actions existed); other plans have no cap."""
    kind = context.get_current_parameters().get("usage_kind")  # type: ignore[no-untyped-call]
    return "overage" if kind == "gb" else "none"


class Plan(TenantOwned, Base):
    """One price version of a product: speeds, recurring price, optional usage component.

    A price change is a new row (`version` + 1, same `family_id`): the money fields of a row
    never change, so subscriptions on an older version keep its price until moved.
    """

    __tablename__ = "billing_plans"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # id of the plan's first version, shared by every version (the plan's identity)
    family_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    effective_from: Mapped[date | None] = mapped_column(Date, nullable=True)  # None: always
    superseded_from: Mapped[date | None] = mapped_column(Date, nullable=True)  # next version
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    down_kbps: Mapped[int] = mapped_column(BigInteger)
    up_kbps: Mapped[int] = mapped_column(BigInteger)
    price_minor: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(8), default="month")  # month|quarter|year
    setup_fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    minimum_term_periods: Mapped[int] = mapped_column(Integer, default=0)
    usage_kind: Mapped[str] = mapped_column(String(8), default="none")  # none | gb | p95
    gb_cap: Mapped[Decimal | None] = mapped_column(Rate, nullable=True)
    overage_per_gb: Mapped[Decimal | None] = mapped_column(Rate, nullable=True)
    committed_mbps: Mapped[Decimal | None] = mapped_column(Rate, nullable=True)
    price_per_mbps: Mapped[Decimal | None] = mapped_column(Rate, nullable=True)
    # RADIUS answer while suspended (hub.access): reject | walled_garden | throttle; None
    # follows the suspension's mode (throttle -> reduced rate, disconnect -> reject).
    radius_suspended_action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Where GB usage is read from: snmp (the subscription's switch port counters) or radius
    # (accounting of its sessions, hub.access.sessions; usage_kind gb only).
    usage_source: Mapped[str] = mapped_column(String(8), default="snmp", server_default="snmp")
    # What the GB cap does (docs/billing.md "Usage caps"): none | overage | throttle |
    # overage_and_throttle; gb plans default to overage (bill the GB above the cap).
    cap_action: Mapped[str] = mapped_column(String(24), default=_default_cap_action,
                                            server_default="none")
    cap_throttle_down_kbps: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cap_throttle_up_kbps: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class TaxRate(TenantOwned, Base):
    """Tax rate of one jurisdiction (0.2 = 20 %)."""

    __tablename__ = "billing_tax_rates"
    __table_args__ = (UniqueConstraint("tenant_id", "jurisdiction"),)

    jurisdiction: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    rate: Mapped[Decimal] = mapped_column(Rate)  # for invoices created from now on
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Subscription(TenantOwned, Base):
    """A customer on a plan, delivered on one device port (the provisioning target)."""

    __tablename__ = "billing_subscriptions"

    customer_id: Mapped[uuid.UUID] = _fk("billing_customers")
    plan_id: Mapped[uuid.UUID] = _fk("billing_plans")
    device_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("devices.id", ondelete="SET NULL"), nullable=True)
    if_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    port: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    suspend_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)  # dunning
    # Minimum term: first day after it (set on activation or when a plan change starts
    # one; None: no term), who waived the early-termination charge, a charge not invoiced.
    term_ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    term_waived_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    termination_fee_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # A plan change dated inside a period already invoiced: the next billing run adjusts it
    # (and invoices the subscription for that, even when it has ended since).
    adjustment_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # GB-cap throttle in force (hub.billing.caps): the day it was applied, the first day of
    # the billing period it holds for, and the plan event (activation or plan change) it was
    # applied under: a later plan change re-rated the port, so the cap is evaluated again.
    cap_throttled_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    cap_throttled_period: Mapped[date | None] = mapped_column(Date, nullable=True)
    cap_plan_event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)


class SubscriptionEvent(TenantOwned, Base):
    """One lifecycle transition or plan change, effective on a date (billing replays these)."""

    __tablename__ = "billing_subscription_events"

    subscription_id: Mapped[uuid.UUID] = _fk("billing_subscriptions")
    kind: Mapped[str] = mapped_column(String(16))  # activate|suspend|resume|change_plan|terminate
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    plan_id: Mapped[uuid.UUID] = _fk("billing_plans")
    effective_on: Mapped[date] = mapped_column(Date)
    action_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)


class NetworkAction(TenantOwned, Base):
    """A request to the network (activate, suspend, resume, change_speed) and its outcome."""

    __tablename__ = "subscription_network_actions"

    subscription_id: Mapped[uuid.UUID] = _fk("billing_subscriptions")
    action: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str | None] = mapped_column(String(12), nullable=True)
    params: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # requested | succeeded | failed | skipped (cannot reach the network) | deferred (a later
    # step applies it: a plan change while suspended waits for the resume)
    status: Mapped[str] = mapped_column(String(12), default="requested")
    job_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # One row per provisioning job; the rows of one transition share `request_id`.
    request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    job_action: Mapped[str | None] = mapped_column(String(64), nullable=True)
    job_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("provisioning_jobs.id", ondelete="SET NULL"), index=True, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)  # not succeeded


class InvoiceCounter(Base):
    """Next invoice number of a tenant; locked FOR UPDATE while finalizing (gapless)."""

    __tablename__ = "billing_invoice_counters"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    next_number: Mapped[int] = mapped_column(BigInteger, default=1)


class Invoice(TenantOwned, Base):
    """An invoice or credit note; once finalized only a credit note can correct it."""

    __tablename__ = "billing_invoices"
    __table_args__ = (UniqueConstraint("tenant_id", "subscription_id", "period_start",
                                       name="uq_billing_invoices_one_per_period"),
                      UniqueConstraint("tenant_id", "number", name="uq_billing_invoices_number"))

    customer_id: Mapped[uuid.UUID] = _fk("billing_customers")
    subscription_id: Mapped[uuid.UUID | None] = _fk("billing_subscriptions", nullable=True)
    kind: Mapped[str] = mapped_column(String(12), default="invoice")  # invoice | credit_note
    credits_invoice_id: Mapped[uuid.UUID | None] = _fk("billing_invoices", nullable=True)
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | finalized
    number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    subtotal_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    credited_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_jurisdiction: Mapped[str | None] = mapped_column(String(32), nullable=True)
    tax_rate: Mapped[Decimal | None] = mapped_column(Rate, nullable=True)
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class InvoiceLine(TenantOwned, Base):
    """One charge; `exact` is the unrounded amount tax is computed from (explainability)."""

    __tablename__ = "billing_invoice_lines"

    invoice_id: Mapped[uuid.UUID] = _fk("billing_invoices")
    position: Mapped[int] = mapped_column(Integer)
    # recurring|proration|setup|usage|termination|adjustment|credit
    kind: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Rate)
    unit_price: Mapped[Decimal] = mapped_column(Rate)
    exact: Mapped[Decimal] = mapped_column(Numeric(28, 12))
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class BilledPeriod(TenantOwned, Base):
    """The plans a subscription's period was billed at: written with its invoice, then again
    by each invoice that adjusts it after a plan change (the latest row is what is billed)."""

    __tablename__ = "billing_billed_periods"
    __table_args__ = (UniqueConstraint("subscription_id", "period_start", "invoice_id",
                                       name="uq_billing_billed_periods_once"),)

    subscription_id: Mapped[uuid.UUID] = _fk("billing_subscriptions")
    period_start: Mapped[date] = mapped_column(Date)
    invoice_id: Mapped[uuid.UUID] = _fk("billing_invoices")  # whose lines bill these days
    plans: Mapped[list[list[str]]] = mapped_column(JSON)  # [[start, end, plan id], ...]


class Payment(TenantOwned, Base):
    """Money received from a customer (manual entry or CSV import)."""

    __tablename__ = "billing_payments"
    __table_args__ = (UniqueConstraint("tenant_id", "reference"),
                      UniqueConstraint("tenant_id", "idempotency_key",
                                       name="uq_billing_payments_idempotency_key"))

    customer_id: Mapped[uuid.UUID] = _fk("billing_customers")
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(16), default="manual")
    reference: Mapped[str | None] = mapped_column(String(128), nullable=True)
    received_on: Mapped[date] = mapped_column(Date)
    unallocated_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # A manual payment's Idempotency-Key and the hash of its request body: a retried POST
    # returns the payment it made instead of recording the money twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Allocation(TenantOwned, Base):
    """Part of a payment (or of a credit balance) applied to one invoice."""

    __tablename__ = "billing_allocations"

    payment_id: Mapped[uuid.UUID] = _fk("billing_payments")
    invoice_id: Mapped[uuid.UUID] = _fk("billing_invoices")
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class Refund(TenantOwned, Base):
    """Money returned to a customer out of its credit balance."""

    __tablename__ = "billing_refunds"

    customer_id: Mapped[uuid.UUID] = _fk("billing_customers")
    payment_id: Mapped[uuid.UUID | None] = _fk("billing_payments", nullable=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    refunded_on: Mapped[date] = mapped_column(Date)


class LedgerEntry(TenantOwned, Base):
    """Signed movement of a customer's balance: + owed by the customer, - in its favour."""

    __tablename__ = "billing_ledger"

    customer_id: Mapped[uuid.UUID] = _fk("billing_customers")
    kind: Mapped[str] = mapped_column(String(12))  # invoice | payment | credit_note | refund
    ref_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DunningPolicy(TenantOwned, Base):
    """The tenant's dunning steps (days after the due date) and quiet days."""

    __tablename__ = "billing_dunning_policies"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    reminder_days: Mapped[int] = mapped_column(Integer, default=3)
    throttle_days: Mapped[int] = mapped_column(Integer, default=10)
    suspend_days: Mapped[int] = mapped_column(Integer, default=20)
    mode: Mapped[str] = mapped_column(String(12), default="throttle")  # throttle | disconnect
    quiet_weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)  # 0 = Monday
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates


class DunningStep(TenantOwned, Base):
    """A dunning step taken for an overdue invoice (once per invoice and step)."""

    __tablename__ = "billing_dunning_steps"
    __table_args__ = (UniqueConstraint("invoice_id", "step"),)

    invoice_id: Mapped[uuid.UUID] = _fk("billing_invoices")
    customer_id: Mapped[uuid.UUID] = _fk("billing_customers")
    step: Mapped[str] = mapped_column(String(12))  # reminder | throttle | suspend
    taken_on: Mapped[date] = mapped_column(Date)
