"""Business analytics answers; every amount is integer minor units of the row's currency.

Amounts of different currencies are never added together: each report holds one entry per
currency. Rates are decimal fractions (0.25 = 25 %), rounded HALF_UP to 4 places, null when
their denominator is zero. Definitions and formulas: docs/billing.md, "Business analytics".
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from hub.pagination import Page

AgingBucketName = Literal["current", "1-30", "31-60", "61-90", "90+"]
DunningStepName = Literal["reminder", "throttle", "suspend"]


class PlanMrr(BaseModel):
    """MRR contributed by the subscriptions on one plan."""

    plan_id: uuid.UUID
    plan_name: str
    period: str = Field(examples=["month"])
    subscriptions: int
    mrr_minor: int


class CurrencyMrr(BaseModel):
    """MRR of one currency and its split by plan (each rounded once)."""

    currency: str = Field(examples=["EUR"])
    mrr_minor: int
    subscriptions: int
    paying_customers: int
    by_plan: list[PlanMrr]


class MrrReport(BaseModel):
    """Monthly recurring revenue of the subscriptions in service on `on`."""

    on: date
    currencies: list[CurrencyMrr]


class CurrencyArpu(BaseModel):
    """Average revenue per paying customer in one currency."""

    currency: str = Field(examples=["EUR"])
    mrr_minor: int
    paying_customers: int
    arpu_minor: int | None


class ArpuReport(BaseModel):
    """ARPU = MRR / paying customers, on `on`."""

    on: date
    currencies: list[CurrencyArpu]


class CurrencyChurn(BaseModel):
    """Logo, subscription and MRR churn of one currency over [start, end)."""

    currency: str = Field(examples=["EUR"])
    customers_at_start: int
    customers_churned: int
    logo_churn_rate: Decimal | None
    subscriptions_at_start: int
    subscriptions_churned: int
    subscription_churn_rate: Decimal | None
    mrr_at_start_minor: int
    mrr_churned_minor: int
    mrr_churn_rate: Decimal | None


class ChurnReport(BaseModel):
    """Churn over the period [start, end)."""

    start: date
    end: date
    currencies: list[CurrencyChurn]


class PlanRevenue(BaseModel):
    """Invoiced revenue (net of tax, credit notes deducted) attributed to one plan."""

    plan_id: uuid.UUID | None = Field(description="null: one-off invoices without subscription")
    plan_name: str | None
    currency: str = Field(examples=["EUR"])
    invoices: int
    credit_notes: int
    revenue_minor: int


class RevenueReport(BaseModel):
    """Revenue by plan of the documents issued in [start, end)."""

    start: date
    end: date
    plans: list[PlanRevenue]


class AgingBucket(BaseModel):
    """Open invoices whose days past due fall in one bucket."""

    bucket: AgingBucketName
    invoices: int
    amount_minor: int


class CurrencyAging(BaseModel):
    """Receivables of one currency, every bucket present (zeros included)."""

    currency: str = Field(examples=["EUR"])
    total_minor: int
    buckets: list[AgingBucket]


class AgingReport(BaseModel):
    """Open invoice balances aged on `on`."""

    on: date
    currencies: list[CurrencyAging]


class DunningCustomer(BaseModel):
    """A customer with an open invoice on which dunning has taken a step."""

    customer_id: uuid.UUID
    name: str
    currency: str = Field(examples=["EUR"])
    step: DunningStepName
    overdue_minor: int
    days_overdue: int
    open_invoices: int


DunningCustomersPublic = Page[DunningCustomer]
