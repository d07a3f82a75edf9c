"""Billing's webhook payloads: invoices, payments, refunds and subscription changes.

Each function stages one outbox event (`hub.events.record_event`) in the caller's session,
so the webhook exists iff the billing change commits. Amounts are decimal strings with their
currency; never a secret, never personal data beyond ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Invoice, Payment, Refund
from hub.billing.money import from_minor
from hub.events import record_event
from hub.events.models import OutboxEvent

if TYPE_CHECKING:  # billing.events calls this module: the type only, for the annotation
    from hub.billing.events import SubscriptionChanged
    from hub.billing.models import Subscription

# Lifecycle action -> event type.
SUBSCRIPTION_EVENTS = {"activate": "subscription.activated", "suspend": "subscription.suspended",
                       "resume": "subscription.resumed", "terminate": "subscription.terminated",
                       "change_plan": "subscription.plan_changed"}


def _money(minor: int, currency: str) -> str:
    return str(from_minor(minor, currency))


def invoice_finalized(session: AsyncSession, invoice: Invoice) -> OutboxEvent:
    """`invoice.finalized`, or `invoice.credit_note` for a credit note."""
    cur = invoice.currency
    payload: dict[str, Any] = {
        "invoice_id": invoice.id, "number": invoice.number, "customer_id": invoice.customer_id,
        "subscription_id": invoice.subscription_id, "currency": cur,
        "subtotal": _money(invoice.subtotal_minor, cur), "tax": _money(invoice.tax_minor, cur),
        "total": _money(invoice.total_minor, cur), "issued_on": invoice.issued_on,
        "due_on": invoice.due_on, "period_start": invoice.period_start,
        "period_end": invoice.period_end}
    if invoice.kind == "credit_note":
        payload["credits_invoice_id"] = invoice.credits_invoice_id
        return record_event(session, invoice.tenant_id, "invoice.credit_note", payload)
    return record_event(session, invoice.tenant_id, "invoice.finalized", payload)


def payment_received(session: AsyncSession, payment: Payment) -> OutboxEvent:
    """`payment.received` (after allocation: `unallocated` is what became credit)."""
    cur = payment.currency
    return record_event(session, payment.tenant_id, "payment.received", {
        "payment_id": payment.id, "customer_id": payment.customer_id, "currency": cur,
        "amount": _money(payment.amount_minor, cur), "method": payment.method,
        "received_on": payment.received_on,
        "unallocated": _money(payment.unallocated_minor, cur)})


def payment_refunded(session: AsyncSession, refund: Refund, currency: str) -> OutboxEvent:
    """`payment.refunded`."""
    return record_event(session, refund.tenant_id, "payment.refunded", {
        "refund_id": refund.id, "customer_id": refund.customer_id,
        "payment_id": refund.payment_id, "currency": currency,
        "amount": _money(refund.amount_minor, currency), "refunded_on": refund.refunded_on})


def subscription_changed(session: AsyncSession, change: SubscriptionChanged) -> OutboxEvent:
    """`subscription.<activated|suspended|resumed|terminated|plan_changed>` after a change."""
    return record_event(session, change.tenant_id, SUBSCRIPTION_EVENTS[change.action], {
        "subscription_id": change.subscription_id, "customer_id": change.customer_id,
        "plan_id": change.plan_id, "status": change.status,
        "suspend_reason": change.suspend_reason, "effective_on": change.effective_on})


# GB-cap step (hub.billing.caps) -> event type.
CAP_EVENTS = {"cap_throttle": "subscription.cap_throttled",
              "cap_restore": "subscription.cap_restored"}


def subscription_cap(session: AsyncSession, sub: Subscription, step: str,
                     detail: dict[str, Any]) -> OutboxEvent:
    """`subscription.cap_throttled` or `subscription.cap_restored`, with the subscription's
    ids and `detail` (period, usage, rates)."""
    return record_event(session, sub.tenant_id, CAP_EVENTS[step], {
        "subscription_id": sub.id, "customer_id": sub.customer_id, "plan_id": sub.plan_id,
        "status": sub.status, **detail})
