"""Portal bodies: what a customer sees of its own account, and the little it may change."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.billing.schemas import Email, Phone, Row
from hub.pagination import Page

# Fields of the account only the ISP's staff change (PATCH /billing/customers/{id}): who is
# billed, under which reference, in which currency and tax, and where service is delivered
# (a move is a new installation, not a form field).
STAFF_OWNED = ("name", "account_number", "currency", "tax_jurisdiction", "service_address")


class ProfilePublic(Row):
    """The caller's own customer account."""

    id: uuid.UUID
    name: str
    email: str
    phone: str
    account_number: str | None
    contacts: list[dict[str, str]]
    service_address: str
    currency: str


class ProfileUpdate(BaseModel):
    """What a customer changes itself (absent: unchanged): how to reach it. Name, account
    number, currency, tax jurisdiction and service address are the ISP's to change."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    phone: Phone | None = None
    contacts: list[dict[str, str]] | None = Field(None, max_length=20)

    @model_validator(mode="before")
    @classmethod
    def _refuse_staff_owned(cls, data: Any) -> Any:
        if isinstance(data, dict):
            refused = [k for k in STAFF_OWNED if k in data]
            if refused:
                raise ValueError(f"{', '.join(refused)}: changed only by your provider's staff; "
                                 "ask them through a ticket (POST /portal/tickets); here you "
                                 "may change email, phone and contacts")
        return data


class PortalSubscription(BaseModel):
    """One of the caller's subscriptions, as a customer sees it (no device or port)."""

    id: uuid.UUID
    plan_id: uuid.UUID
    plan_name: str
    price: Decimal = Field(description="recurring price per period, in `currency`")
    currency: str
    period: str = Field(description="month | quarter | year")
    down_kbps: int
    up_kbps: int
    usage_kind: str = Field(description="none | gb (GB cap, overage per GB) | p95 (95th "
                                        "percentile above a committed rate)")
    status: str
    started_on: date | None
    ended_on: date | None
    term_ends_on: date | None


class UsageDay(BaseModel):
    """Decimal GB (octets / 1e9) carried on one UTC day."""

    day: date
    in_gb: Decimal
    out_gb: Decimal


class UsagePublic(BaseModel):
    """What a subscription carried in [from, to) on the days it was in service (from its
    start, before its end), read from the same 5-minute rollups and by the same rules
    billing rates usage with (docs/billing.md, docs/analytics.md)."""

    subscription_id: uuid.UUID
    usage_kind: str
    start: date = Field(description="first day of the period (the `from` asked)")
    end: date = Field(description="the day after the period (the `to` asked, exclusive)")
    days: list[UsageDay] = Field(description="days with data only, oldest first")
    used_gb: Decimal = Field(description="(in + out octets) / 1e9 over the period")
    gb_cap: Decimal | None = Field(None, description="gb plans: the cap per billing period")
    over_gb: Decimal | None = Field(None, description="gb plans: used above the cap")
    p95_in_mbps: Decimal | None = Field(None, description="p95 plans: 95th percentile in")
    p95_out_mbps: Decimal | None = Field(None, description="p95 plans: 95th percentile out")
    billable_mbps: Decimal | None = Field(None, description="p95 plans: max(in, out)")
    committed_mbps: Decimal | None = None
    over_mbps: Decimal | None = Field(None, description="p95 plans: billable above committed")


PortalSubscriptions = Page[PortalSubscription]
