"""The events integrators receive (the type catalogue) and `record_event`, which stages one.

Each domain builds its own payloads (`hub.billing.webhooks`, `hub.support.webhooks`) and calls
`record_event`: it adds an outbox row to the caller's session, so the event commits (or rolls
back) with the change itself. Payloads carry ids, states, dates and amounts as decimal strings
with their currency; never a secret, never personal data beyond ids.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.events.models import OutboxEvent

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
    "subscription.cap_throttled": "A subscriber went over its GB cap and was throttled until "
                                  "its billing period ends",
    "subscription.cap_restored": "A new billing period lifted a GB-cap throttle",
    "ticket.created": "A support ticket was opened",
    "ticket.updated": "A ticket's status, priority or assignee changed, or it got a comment",
    "webhook.ping": "A test event sent on request to one endpoint",
    "alarm.raised": "An alarm was raised (or raised again after it cleared) and a "
                    "notification policy wants it",
    "alarm.cleared": "An announced alarm cleared (policies with notify_clear)",
    "alarm.acknowledged": "Someone acknowledged an announced alarm",
    "alarm.escalated": "An alarm stayed raised and unacknowledged past its policy's "
                       "escalation delay",
    "alarm.flapping": "An alarm keeps raising and clearing: one event stands for the "
                      "transitions until it is stable",
}


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
        raise ValueError(f"event type {type_!r}: not in hub.events.catalog.EVENT_TYPES; add it "
                         "there (with its description) before recording it")
    row = OutboxEvent(tenant_id=tenant_id, type=type_,
                      payload={k: _plain(v) for k, v in payload.items()})
    session.add(row)
    return row
