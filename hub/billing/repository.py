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
from hub.repository import TenantRepository


class Customers(TenantRepository[Customer]):
    """Customers of the caller's tenant."""

    model, noun = Customer, "customer"


class Plans(TenantRepository[Plan]):
    """Plans of the caller's tenant."""

    model, noun = Plan, "plan"


class Subscriptions(TenantRepository[Subscription]):
    """Subscriptions of the caller's tenant."""

    model, noun = Subscription, "subscription"


class Invoices(TenantRepository[Invoice]):
    """Invoices and credit notes of the caller's tenant."""

    model, noun = Invoice, "invoice"


class Payments(TenantRepository[Payment]):
    """Payments of the caller's tenant."""

    model, noun = Payment, "payment"


class TaxRates(TenantRepository[TaxRate]):
    """Tax rates of the caller's tenant."""

    model, noun = TaxRate, "tax rate"
