"""Support's webhook payloads: tickets opened and changed.

Each function stages one outbox event (`hub.events.record_event`) in the caller's session, so
the webhook exists iff the ticket change commits. Ids and states only, never ticket text.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hub.events import record_event
from hub.events.models import OutboxEvent
from hub.support.models import Ticket


def ticket_changed(session: AsyncSession, ticket: Ticket, change: str) -> OutboxEvent:
    """`ticket.created` (change "created"), else `ticket.updated` naming the change."""
    type_ = "ticket.created" if change == "created" else "ticket.updated"
    return record_event(session, ticket.tenant_id, type_, {
        "ticket_id": ticket.id, "customer_id": ticket.customer_id,
        "subscription_id": ticket.subscription_id, "status": ticket.status,
        "priority": ticket.priority, "assignee_id": ticket.assignee_id, "change": change,
        "opened_by_customer": ticket.opened_by_customer})
