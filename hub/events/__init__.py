"""Business events: an outbox written with each change, delivered as signed webhooks."""

from hub.events.catalog import (
    EVENT_TYPES,
    invoice_finalized,
    payment_received,
    payment_refunded,
    record_event,
    subscription_changed,
    ticket_changed,
)
from hub.events.signing import sign, verify

__all__ = ["EVENT_TYPES", "invoice_finalized", "payment_received", "payment_refunded",
           "record_event", "sign", "subscription_changed", "ticket_changed", "verify"]
