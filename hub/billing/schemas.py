"""Billing request and response bodies; amounts travel as decimal strings + currency."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.billing.money import MAX_PAYMENT_MINOR
from hub.pagination import Page

Currency = Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])


class Row(BaseModel):
    """Base of responses read from ORM rows."""

    model_config = ConfigDict(from_attributes=True)


Email = Annotated[str, Field(pattern=r"^$|^[^@\s]+@[^@\s]+$", max_length=254,
                             examples=["ada@example.net"])]
Phone = Annotated[str, Field(pattern=r"^$|^\+?[0-9 ()./-]{3,40}$", max_length=64,
                             examples=["+44 20 7946 0000"])]
AccountNumber = Annotated[str, Field(
    min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$",
    description="the ISP's own account reference; unique in the tenant")]


class CustomerCreate(BaseModel):
    """A new customer."""

    name: str = Field(min_length=1, max_length=200)
    email: Email = ""
    phone: Phone = ""
    account_number: AccountNumber | None = None
    contacts: list[dict[str, str]] = Field(default_factory=list, max_length=20)
    service_address: str = Field("", max_length=2000)
    currency: str = Currency
    tax_jurisdiction: str | None = Field(None, max_length=32)
    billing_day: int | None = Field(
        None, ge=1, le=28, description="day of the month the scheduled billing run invoices "
        "this customer (the calendar period it is in); null: the tenant's billing day")


class CustomerUpdate(BaseModel):
    """Fields to change (absent: unchanged). The currency never changes: invoices are in it."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    email: Email | None = None
    phone: Phone | None = None
    account_number: AccountNumber | None = None
    contacts: list[dict[str, str]] | None = Field(None, max_length=20)
    service_address: str | None = Field(None, max_length=2000)
    tax_jurisdiction: str | None = Field(None, max_length=32)
    billing_day: int | None = Field(
        None, ge=1, le=28, description="day of the month the scheduled billing run invoices "
        "this customer (the calendar period it is in); null: the tenant's billing day")


class CustomerPublic(Row):
    """A customer; `archived_at` set once archived."""

    id: uuid.UUID
    name: str
    email: str
    phone: str
    account_number: str | None
    contacts: list[dict[str, str]]
    service_address: str
    currency: str
    tax_jurisdiction: str | None
    archived_at: datetime | None
    billing_day: int | None = None


CapAction = Literal["none", "overage", "throttle", "overage_and_throttle"]


class PlanCreate(BaseModel):
    """A new plan; prices in minor units, usage rates as decimals. The price is for one
    billing period: a calendar month, quarter or year."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    period: Literal["month", "quarter", "year"] = "month"
    currency: str = Currency
    down_kbps: int = Field(gt=0)
    up_kbps: int = Field(gt=0)
    price_minor: int = Field(ge=0)
    setup_fee_minor: int = Field(0, ge=0)
    minimum_term_periods: int = Field(0, ge=0)
    usage_kind: Literal["none", "gb", "p95"] = "none"
    gb_cap: Decimal | None = Field(None, ge=0)
    overage_per_gb: Decimal | None = Field(None, ge=0)
    committed_mbps: Decimal | None = Field(None, ge=0)
    price_per_mbps: Decimal | None = Field(None, ge=0)
    cap_action: CapAction | None = Field(None, description=(
        "what the gb_cap does: overage bills the GB above it, throttle slows the subscriber "
        "to the cap throttle rates until the period ends, overage_and_throttle both, none "
        "nothing; null: overage on gb plans, none otherwise"))
    cap_throttle_down_kbps: int | None = Field(None, gt=0, description="throttle plans: down "
                                               "rate over the cap")
    cap_throttle_up_kbps: int | None = Field(None, gt=0, description="throttle plans: up "
                                             "rate over the cap")
    usage_source: Literal["snmp", "radius"] = Field("snmp", description=(
        "where GB usage is read from: snmp (the subscription's switch port counters) or "
        "radius (the accounting of its RADIUS sessions); radius needs usage_kind gb"))
    radius_suspended_action: Literal["reject", "walled_garden", "throttle"] | None = Field(
        None, description="RADIUS subscribers while suspended: reject the login, admit into "
        "the walled garden, or admit at the reduced rate; null: the suspension's mode decides "
        "(throttle: reduced rate, disconnect: reject) (docs/radius.md)")


class PlanPublic(PlanCreate, Row):
    """One version of a plan (a price change is a new version, `family_id` shared)."""

    id: uuid.UUID
    period: Literal["month", "quarter", "year"]
    cap_action: CapAction
    family_id: uuid.UUID | None = Field(description="id of the plan's first version, "
                                        "shared by all its versions")
    version: int
    effective_from: date | None = Field(description="first day new subscriptions get this "
                                        "version (null: from the start)")
    superseded_from: date | None = Field(description="first day of the next version, if any")
    archived_at: datetime | None


class PlanUpdate(BaseModel):
    """Name and description of a plan (every version); prices change with a new version."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)


class PlanVersionCreate(BaseModel):
    """A new price from `effective_from` (new subscriptions from that day get it; existing
    ones keep their version until moved)."""

    price_minor: int = Field(ge=0)
    effective_from: date


class PlanMove(BaseModel):
    """Move the subscriptions on older versions to the version in force on `on`."""

    on: date | None = None


class PlanMoveResult(BaseModel):
    """Subscriptions moved, and those refused with the reason."""

    version_id: uuid.UUID
    moved: list[uuid.UUID]
    refused: list[dict[str, str]]


class TaxRateCreate(BaseModel):
    """A tax rate for one jurisdiction."""

    jurisdiction: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=64)
    rate: Decimal = Field(ge=0, le=1)


class TaxRatePublic(TaxRateCreate, Row):
    """A tax rate."""

    id: uuid.UUID
    archived_at: datetime | None


class TaxRateUpdate(BaseModel):
    """A new name or rate; a rate applies to invoices created from now on, never to those
    already created (each keeps the rate it was made with)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=64)
    rate: Decimal | None = Field(None, ge=0, le=1)


class SubscriptionCreate(BaseModel):
    """A new (pending) subscription on a device port."""

    customer_id: uuid.UUID
    plan_id: uuid.UUID
    device_id: uuid.UUID | None = None
    if_index: int | None = Field(None, ge=1)
    port: str = Field("", max_length=128)


class Transition(BaseModel):
    """A lifecycle step; `on` defaults to today (UTC)."""

    action: Literal["activate", "suspend", "resume", "terminate", "change_plan"]
    on: date | None = None
    mode: Literal["throttle", "disconnect"] = "throttle"
    plan_id: uuid.UUID | None = None
    waive_minimum_term: bool = Field(False, description="terminate: no early-termination "
                                     "charge (owner, admin or billing users only)")


class SubscriptionPublic(Row):
    """A subscription; `out_of_sync` flags a network state that disagrees with billing."""

    id: uuid.UUID
    customer_id: uuid.UUID
    plan_id: uuid.UUID
    device_id: uuid.UUID | None
    if_index: int | None
    port: str
    status: str
    started_on: date | None
    ended_on: date | None
    network_state: str = "none"
    out_of_sync: bool = False
    network_problem: str | None = None
    network_jobs: list[uuid.UUID] = Field(
        default_factory=list, description="provisioning jobs queued by the latest transition "
        "that reached the network (follow them at GET /jobs/{id})")
    term_ends_on: date | None = Field(None, description="first day after the minimum term "
                                      "(null: no term); early termination before it costs "
                                      "the rest of the term")
    term_waived_by: uuid.UUID | None = None
    cap_throttled_since: date | None = Field(None, description="day a GB-cap throttle was "
                                             "applied (null: none in force)")
    cap_throttled_period: date | None = Field(None, description="first day of the billing "
                                              "period the GB-cap throttle holds for")


class BillingRun(BaseModel):
    """Invoice each subscription for its billing period (month, quarter or year) containing
    `period`; `today` is the issue date."""

    period: date
    today: date | None = None


class LinePublic(Row):
    """One invoice line with its unrounded amount."""

    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    exact: Decimal
    amount_minor: int


class InvoicePublic(Row):
    """An invoice or credit note."""

    id: uuid.UUID
    customer_id: uuid.UUID
    subscription_id: uuid.UUID | None
    kind: str
    number: int | None
    status: str
    currency: str
    period_start: date | None
    period_end: date | None
    subtotal_minor: int
    tax_jurisdiction: str | None = None
    tax_rate: Decimal | None = Field(None, description="the rate the invoice was made with; "
                                     "a later change of the tax rate never alters it")
    tax_minor: int
    total_minor: int
    paid_minor: int
    credited_minor: int
    issued_on: date | None
    due_on: date | None
    lines: list[LinePublic] = Field(default_factory=list)


class RunResult(BaseModel):
    """Invoices created by a billing run (empty when re-run)."""

    created: list[InvoicePublic]


class CreditNoteCreate(BaseModel):
    """Credit `amount` (before tax) against a finalized invoice."""

    amount: Decimal = Field(gt=0)
    reason: str = Field(min_length=1, max_length=200)


class AllocationIn(BaseModel):
    """Apply part of a payment to a named invoice."""

    invoice_id: uuid.UUID
    amount_minor: int = Field(gt=0, le=MAX_PAYMENT_MINOR)


class PaymentCreate(BaseModel):
    """A manually entered payment."""

    customer_id: uuid.UUID
    amount_minor: int = Field(gt=0, le=MAX_PAYMENT_MINOR)
    received_on: date | None = None
    reference: str | None = Field(None, max_length=128)
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=100)


class PaymentPublic(Row):
    """A payment and what is left unallocated."""

    id: uuid.UUID
    customer_id: uuid.UUID
    amount_minor: int
    currency: str
    method: str
    reference: str | None
    received_on: date
    unallocated_minor: int


class PaymentImport(BaseModel):
    """CSV text with header customer_id,amount,date,reference."""

    csv: str = Field(min_length=1, max_length=1_000_000)


class ImportPublic(BaseModel):
    """What a CSV import did."""

    created: int
    duplicates: int
    errors: list[str]


class RefundCreate(BaseModel):
    """Pay back credit balance."""

    amount_minor: int = Field(gt=0)
    on: date | None = None


class LedgerLine(Row):
    """One ledger movement (+ owed by the customer)."""

    kind: str
    ref_id: uuid.UUID
    amount_minor: int
    on: date
    at: datetime


class LedgerPublic(BaseModel):
    """A customer's balance and its explanation."""

    balance_minor: int
    credit_minor: int
    currency: str
    entries: list[LedgerLine]


class DunningPolicyBody(Row):
    """Dunning steps in days after the due date; quiet weekdays 0 = Monday."""

    reminder_days: int = Field(3, ge=0)
    throttle_days: int = Field(10, ge=0)
    suspend_days: int = Field(20, ge=0)
    mode: Literal["throttle", "disconnect"] = "throttle"
    quiet_weekdays: list[int] = Field(default_factory=list, max_length=7)
    holidays: list[str] = Field(default_factory=list, max_length=366)


class DunningRun(BaseModel):
    """Run dunning as of `today` (defaults to the current UTC date)."""

    today: date | None = None


class DunningRunResult(BaseModel):
    """Steps taken: (invoice, step)."""

    steps: list[dict[str, str]]


class UsageCapRun(BaseModel):
    """Enforce the GB caps as of `today` (defaults to the current UTC date)."""

    today: date | None = None


class UsageCapReport(BaseModel):
    """What a GB-cap run did: subscriptions throttled, restored to their plan's rate, and
    whose throttle was dropped without a network action (suspended into a new period, or
    re-rated by a plan change and now under the new plan's cap)."""

    today: date
    checked: int
    throttled: list[uuid.UUID]
    restored: list[uuid.UUID]
    cleared: list[uuid.UUID]


CustomersPublic = Page[CustomerPublic]
PlansPublic = Page[PlanPublic]
TaxRatesPublic = Page[TaxRatePublic]
SubscriptionsPublic = Page[SubscriptionPublic]
InvoicesPublic = Page[InvoicePublic]
PaymentsPublic = Page[PaymentPublic]
