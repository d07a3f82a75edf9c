"""Resellers' totals; amounts are integer minor units, one entry per currency (never added
across currencies)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class CurrencyTotals(BaseModel):
    """One currency of a reseller: MRR on the day asked, and the invoices issued in the
    period with what was paid and credited on them and what is still owed."""

    currency: str = Field(examples=["EUR"])
    mrr_minor: int
    invoices: int
    invoiced_minor: int
    paid_minor: int
    credited_minor: int
    outstanding_minor: int


class ResellerTotals(BaseModel):
    """A reseller's figures as its ISP sees them: counts and sums, no customer."""

    tenant_id: uuid.UUID
    name: str
    suspended_at: datetime | None
    customers: int = Field(description="customers not archived")
    active_subscriptions: int
    currencies: list[CurrencyTotals]


class ResellersTotals(BaseModel):
    """The totals of every reseller directly under the caller's tenant, by name."""

    on: date = Field(description="the day MRR is measured on")
    start: date
    end: date = Field(description="day after the period's last (exclusive)")
    resellers: list[ResellerTotals]
