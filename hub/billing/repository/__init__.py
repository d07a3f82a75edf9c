"""Tenant-filtered repositories of the billing tables."""

from __future__ import annotations

from hub.billing.models import (
    Customer,
    Invoice,
    Payment,
    Plan,
    Subscription,
    TaxRate,
)
from hub.repository import TenantScopedRepository


class Customers(TenantScopedRepository[Customer]):
    """Customers of the caller's tenant."""

    model, noun = Customer, "customer"


class Plans(TenantScopedRepository[Plan]):
    """Plans of the caller's tenant."""

    model, noun = Plan, "plan"


class Subscriptions(TenantScopedRepository[Subscription]):
    """Subscriptions of the caller's tenant."""

    model, noun = Subscription, "subscription"


class Invoices(TenantScopedRepository[Invoice]):
    """Invoices and credit notes of the caller's tenant."""

    model, noun = Invoice, "invoice"


class Payments(TenantScopedRepository[Payment]):
    """Payments of the caller's tenant."""

    model, noun = Payment, "payment"


class TaxRates(TenantScopedRepository[TaxRate]):
    """Tax rates of the caller's tenant."""

    model, noun = TaxRate, "tax rate"
