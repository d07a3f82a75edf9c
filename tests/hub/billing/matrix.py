"""Billing and ticket cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory, Request
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain


def _n() -> str:
    return secrets.token_hex(4)


async def customer(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new EUR customer."""
    return await hub.post(owner, "/billing/customers", {"name": f"c-{_n()}", "currency": "EUR"})


async def plan(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new 30.00 EUR monthly plan."""
    return await hub.post(owner, "/billing/plans", {"name": f"p-{_n()}", "currency": "EUR",
                                                    "down_kbps": 100_000, "up_kbps": 20_000,
                                                    "price_minor": 3000})


async def tax_rate(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new 20 % tax rate of a fresh jurisdiction."""
    return await hub.post(owner, "/billing/tax-rates", {"jurisdiction": f"T{_n()}",
                                                        "name": "VAT", "rate": "0.2"})


async def subscription(hub: Hub, owner: Account) -> dict[str, Any]:
    """A pending subscription of a new customer."""
    return await hub.post(owner, "/billing/subscriptions", {
        "customer_id": (await customer(hub, owner))["id"],
        "plan_id": (await plan(hub, owner))["id"]})


async def invoice(hub: Hub, owner: Account) -> dict[str, Any]:
    """A finalized invoice of a new subscription (January 2026)."""
    sub = await subscription(hub, owner)
    await hub.post(owner, f"/billing/subscriptions/{sub['id']}/transitions",
                   {"action": "activate", "on": "2026-01-01"})
    made = await hub.post(owner, "/billing/runs", {"period": "2026-01-01",
                                                   "today": "2026-01-01"})
    return next(i for i in made["created"] if i["subscription_id"] == sub["id"])


async def ticket(hub: Hub, owner: Account) -> dict[str, Any]:
    """A staff ticket for a new customer."""
    return await hub.post(owner, "/tickets", {"customer_id": (await customer(hub, owner))["id"],
                                              "subject": "no sync", "body": "LOS on ONT"})


async def credited_customer(hub: Hub, owner: Account) -> dict[str, Any]:
    """A customer with 5.00 EUR of credit balance (payment with nothing to pay)."""
    made = await customer(hub, owner)
    await hub.post(owner, "/billing/payments", {"customer_id": made["id"], "amount_minor": 500})
    return made


def _with_customer(extra: dict[str, Any]) -> Factory:
    async def build(hub: Hub, owner: Account) -> Request:
        return {}, {"customer_id": (await customer(hub, owner))["id"], **extra}
    return build


async def _new_subscription(hub: Hub, owner: Account) -> Request:
    return {}, {"customer_id": (await customer(hub, owner))["id"],
                "plan_id": (await plan(hub, owner))["id"]}


_POLICY = {"reminder_days": 3, "throttle_days": 10, "suspend_days": 20, "mode": "throttle",
           "quiet_weekdays": [6], "holidays": []}

_ANALYTICS = ("mrr", "arpu", "churn", "revenue_by_plan", "aging", "dunning")

REQUESTS: dict[str, Factory] = {
    "billing_customers_list": _plain(),
    "billing_customers_create": _plain(lambda: {"name": f"c-{_n()}", "currency": "EUR"}),
    "billing_customers_get": _by_id(customer, "customer_id"),
    "billing_ledger_get": _by_id(customer, "customer_id"),
    "billing_refunds_create": _by_id(credited_customer, "customer_id",
                                     lambda: {"amount_minor": 100}),
    "billing_plans_list": _plain(),
    "billing_plans_create": _plain(lambda: {"name": f"p-{_n()}", "currency": "EUR",
                                            "down_kbps": 1000, "up_kbps": 1000,
                                            "price_minor": 1000}),
    "billing_tax_rates_create": _plain(lambda: {"jurisdiction": f"J{_n()}", "name": "VAT",
                                                "rate": "0.2"}),
    "billing_customers_update": _by_id(customer, "customer_id", lambda: {"phone": "+1 555 0100"}),
    "billing_customers_archive": _by_id(customer, "customer_id"),
    "billing_plans_get": _by_id(plan, "plan_id"),
    "billing_plans_update": _by_id(plan, "plan_id", lambda: {"description": "faster"}),
    "billing_plans_archive": _by_id(plan, "plan_id"),
    "billing_plan_versions_create": _by_id(plan, "plan_id", lambda: {
        "price_minor": 3500, "effective_from": "2026-06-01"}),
    "billing_plans_move": _by_id(plan, "plan_id", lambda: {"on": "2026-06-01"}),
    "billing_tax_rates_list": _plain(),
    "billing_tax_rates_get": _by_id(tax_rate, "rate_id"),
    "billing_tax_rates_update": _by_id(tax_rate, "rate_id", lambda: {"name": "GST"}),
    "billing_tax_rates_archive": _by_id(tax_rate, "rate_id"),
    "billing_subscriptions_list": _plain(),
    "billing_subscriptions_create": _new_subscription,
    "billing_subscriptions_get": _by_id(subscription, "subscription_id"),
    "billing_subscriptions_transition": _by_id(subscription, "subscription_id", lambda: {
        "action": "activate", "on": "2026-02-01"}),
    "billing_runs_create": _plain(lambda: {"period": "2026-02-01", "today": "2026-02-01"}),
    "billing_invoices_list": _plain(),
    "billing_invoices_get": _by_id(invoice, "invoice_id"),
    "billing_credit_notes_create": _by_id(invoice, "invoice_id", lambda: {
        "amount": "1.00", "reason": "goodwill"}),
    "billing_payments_list": _plain(),
    "billing_payments_create": _with_customer({"amount_minor": 1000}),
    "billing_payments_import": _plain(lambda: {"csv": "customer_id,amount,date,reference\n"}),
    "billing_dunning_policy_get": _plain(),
    "billing_dunning_policy_set": _plain(lambda: dict(_POLICY)),
    "billing_dunning_run": _plain(lambda: {"today": "2026-01-10"}),
    "billing_usage_caps_run": _plain(lambda: {"today": "2026-01-10"}),
    **{f"billing_analytics_{name}": _plain() for name in _ANALYTICS},
    "tickets_list": _plain(),
    "tickets_create": _with_customer({"subject": "slow", "body": "evenings"}),
    "tickets_get": _by_id(ticket, "ticket_id"),
    "tickets_update": _by_id(ticket, "ticket_id", lambda: {"status": "pending"}),
    "tickets_comment": _by_id(ticket, "ticket_id", lambda: {"body": "on it"}),
    "portal_tickets_list": _plain(),
    "portal_tickets_create": _with_customer({"subject": "bill question"}),
    "portal_invoices_list": _plain(),
}


async def tenant_ids(hub: Hub, owner: Account) -> dict[str, str]:
    """Billing objects of one tenant, for the isolation matrix."""
    made = await invoice(hub, owner)
    made_ticket = await ticket(hub, owner)
    return {"b_customer": made["customer_id"], "b_subscription": made["subscription_id"],
            "b_invoice": made["id"], "b_plan": (await plan(hub, owner))["id"],
            "b_tax_rate": (await tax_rate(hub, owner))["id"],
            "b_ticket": made_ticket["id"]}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per billing/ticket operation, built with the matrix's `Case` class."""
    own, foreign = "own", "foreign"
    cust, sub, inv, tkt = a["b_customer"], a["b_subscription"], a["b_invoice"], a["b_ticket"]
    plan_id, rate = a["b_plan"], a["b_tax_rate"]
    return {
        "billing_customers_list": case(own, {}, query={"include_archived": "true"}),
        "billing_customers_create": case(own, {}, {"name": "b", "currency": "EUR"}),
        "billing_customers_get": case(foreign, {"customer_id": cust}),
        "billing_ledger_get": case(foreign, {"customer_id": cust}),
        "billing_refunds_create": case(foreign, {"customer_id": cust}, {"amount_minor": 1}),
        "billing_plans_list": case(own, {}),
        "billing_plans_create": case(own, {}, {"name": "b", "currency": "EUR",
                                               "down_kbps": 1, "up_kbps": 1, "price_minor": 1}),
        "billing_tax_rates_create": case(own, {}, {"jurisdiction": f"B{_n()}", "name": "VAT",
                                                   "rate": "0.1"}),
        "billing_customers_update": case(foreign, {"customer_id": cust}, {"name": "stolen"}),
        "billing_customers_archive": case(foreign, {"customer_id": cust}),
        "billing_plans_get": case(foreign, {"plan_id": plan_id}),
        "billing_plans_update": case(foreign, {"plan_id": plan_id}, {"name": "stolen"}),
        "billing_plans_archive": case(foreign, {"plan_id": plan_id}),
        "billing_plan_versions_create": case(foreign, {"plan_id": plan_id}, {
            "price_minor": 1, "effective_from": "2030-01-01"}),
        "billing_plans_move": case(foreign, {"plan_id": plan_id}, {"on": "2030-01-01"}),
        "billing_tax_rates_list": case(own, {}, query={"include_archived": "true"}),
        "billing_tax_rates_get": case(foreign, {"rate_id": rate}),
        "billing_tax_rates_update": case(foreign, {"rate_id": rate}, {"rate": "0.5"}),
        "billing_tax_rates_archive": case(foreign, {"rate_id": rate}),
        "billing_subscriptions_list": case(own, {}),
        "billing_subscriptions_create": case(foreign, {}, {"customer_id": cust,
                                                           "plan_id": a["b_plan"]}),
        "billing_subscriptions_get": case(foreign, {"subscription_id": sub}),
        "billing_subscriptions_transition": case(foreign, {"subscription_id": sub},
                                                 {"action": "suspend"}),
        "billing_runs_create": case(own, {}, {"period": "2026-01-01"}),
        "billing_invoices_list": case(own, {}, query={"customer_id": cust}),
        "billing_invoices_get": case(foreign, {"invoice_id": inv}),
        "billing_credit_notes_create": case(foreign, {"invoice_id": inv},
                                            {"amount": "1", "reason": "x"}),
        "billing_payments_list": case(own, {}),
        "billing_payments_create": case(foreign, {}, {"customer_id": cust, "amount_minor": 1}),
        "billing_payments_import": case(own, {}, {
            "csv": f"customer_id,amount,date,reference\n{cust},1.00,2026-01-01,r{_n()}\n"}),
        "billing_dunning_policy_get": case(own, {}),
        "billing_dunning_policy_set": case(own, {}, dict(_POLICY)),
        "billing_dunning_run": case(own, {}, {"today": "2026-12-31"}),
        # A tenant-wide run: "own", and must touch nothing of tenant A.
        "billing_usage_caps_run": case(own, {}, {"today": "2026-12-31"}),
        # Analytics are tenant aggregates: "own", and must show nothing of tenant A.
        **{f"billing_analytics_{name}": case(own, {}) for name in _ANALYTICS},
        "tickets_list": case(own, {}),
        "tickets_create": case(foreign, {}, {"customer_id": cust, "subject": "x"}),
        "tickets_get": case(foreign, {"ticket_id": tkt}),
        "tickets_update": case(foreign, {"ticket_id": tkt}, {"status": "closed"}),
        "tickets_comment": case(foreign, {"ticket_id": tkt}, {"body": "x"}),
        "portal_tickets_list": case(own, {}),
        "portal_tickets_create": case(foreign, {}, {"customer_id": cust, "subject": "x"}),
        "portal_invoices_list": case(own, {}),
    }
