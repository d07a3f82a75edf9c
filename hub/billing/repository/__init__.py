"""Every query of billing, one module per subject; services and routes call these.

Tenant-scoped classes (`Customers`, `Invoices`...) filter on the caller's tenant; the
functions taking a row id read rows already reached through one of them.
"""

from hub.billing.repository.customers import (
    Customers,
    Payments,
    balance,
    credit_balance,
    customer_of,
    unallocated_payments,
)
from hub.billing.repository.dunning import dunning_policy, steps_taken
from hub.billing.repository.invoices import (
    Invoices,
    TaxRates,
    billed_periods,
    count_invoices,
    invoice_lines,
    invoiced_until,
    open_invoices,
)
from hub.billing.repository.locks import (
    lock_customer,
    lock_customer_subscriptions,
    lock_subscription,
)
from hub.billing.repository.subscriptions import (
    Plans,
    Subscriptions,
    plan_changes,
    plan_of,
    subscription_of,
)
from hub.billing.repository.usage import interface_rollups

__all__ = [
    "Customers", "Invoices", "Payments", "Plans", "Subscriptions", "TaxRates", "balance",
    "billed_periods", "count_invoices", "credit_balance", "customer_of", "dunning_policy",
    "interface_rollups", "invoice_lines", "invoiced_until", "lock_customer",
    "lock_customer_subscriptions", "lock_subscription", "open_invoices", "plan_changes",
    "plan_of", "steps_taken", "subscription_of", "unallocated_payments",
]
