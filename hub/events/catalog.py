"""The events integrators receive, and one small function per business change that records it.

Each function adds an outbox row to the caller's session, so the event commits (or rolls back)
with the change itself. Payloads carry ids, states, dates and amounts as decimal strings with
their currency; never a secret, never personal data beyond ids.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.money import from_minor
from hub.events.models import OutboxEvent

if TYPE_CHECKING:
    from hub.billing.models import Invoice, Payment, Refund, Subscription
    from hub.support.models import Ticket

EVENT_TYPES: dict[str, str] = {
    "invoice.finalized": "An invoice was numbered and issued (immutable from now on)",
    "invoice.credit_note": "A credit note corrected a finalized invoice",
    "payment.received": "A payment was recorded (manual entry or CSV import)",
    "payment.refunded": "Credit balance was paid back to the customer",
    "subscription.activated": "Service started",
    "subscription.suspended": "Service suspended (by staff or by dunning)",
    "subscription.resumed": "A suspension was lifted (by staff or by a settling payment)",
    "subscription.terminated": "Service ended",
    "subscription.plan_changed": "The subscription moved to another plan",
    "ticket.created": "A support ticket was opened",
    "ticket.updated": "A ticket's status, priority or assignee changed, or it got a comment",
    "webhook.ping": "A test event sent on request to one endpoint",
}
# Lifecycle action -> event type.
SUBSCRIPTION_EVENTS = {"activate": "subscription.activated", "suspend": "subscription.suspended",
                       "resume": "subscription.resumed", "terminate": "subscription.terminated",
                       "change_plan": "subscription.plan_changed"}


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def record_event(session: AsyncSession, tenant_id: uuid.UUID, type_: str,
                 payload: dict[str, Any]) -> OutboxEvent:
    """Stage an event in the caller's transaction; it exists iff that transaction commits."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"event type {type_!r}: not in hub.events.catalog.EVENT_TYPES")
    row = OutboxEvent(tenant_id=tenant_id, type=type_,
                      payload={k: _plain(v) for k, v in payload.items()})
    session.add(row)
    return row


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


def subscription_changed(session: AsyncSession, sub: Subscription, action: str,
                         on: date | None = None) -> OutboxEvent:
    """`subscription.<activated|suspended|resumed|terminated|plan_changed>` after `action`."""
    return record_event(session, sub.tenant_id, SUBSCRIPTION_EVENTS[action], {
        "subscription_id": sub.id, "customer_id": sub.customer_id, "plan_id": sub.plan_id,
        "status": sub.status, "suspend_reason": sub.suspend_reason, "effective_on": on})


def ticket_changed(session: AsyncSession, ticket: Ticket, change: str) -> OutboxEvent:
    """`ticket.created` (change "created"), else `ticket.updated` naming the change."""
    type_ = "ticket.created" if change == "created" else "ticket.updated"
    return record_event(session, ticket.tenant_id, type_, {
        "ticket_id": ticket.id, "customer_id": ticket.customer_id,
        "subscription_id": ticket.subscription_id, "status": ticket.status,
        "priority": ticket.priority, "assignee_id": ticket.assignee_id, "change": change,
        "opened_by_customer": ticket.opened_by_customer})
