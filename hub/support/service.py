"""Tickets for staff and for customers (who only ever see their own)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.repository import Customers, Subscriptions
from hub.db import utcnow
from hub.errors import InvalidRequestError, NotFoundError
from hub.identity.repository import UserRepository
from hub.inventory.repository import DeviceRepository
from hub.pagination import PageParams
from hub.principal import Principal
from hub.repository import commit_or_conflict
from hub.support import schemas as s
from hub.support.models import Ticket, TicketComment
from hub.support.repository import Tickets, customer_of_user
from hub.support.webhooks import ticket_changed


async def bound_customer(session: AsyncSession, principal: Principal) -> uuid.UUID | None:
    """The customer account a portal user is bound to (None for staff and API keys)."""
    if principal.kind != "user":
        return None
    return await customer_of_user(session, principal.tenant_id, principal.id)


class TicketService:
    """Ticket use cases; `customer_id` set means the caller is that customer."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 customer_id: uuid.UUID | None = None) -> None:
        self.session, self.principal, self.customer_id = session, principal, customer_id
        self.tickets = Tickets(session, principal.tenant_id)

    async def list(self, page: PageParams, only_customer: bool = False,
                   ) -> tuple[list[Ticket], str | None]:
        """Tickets (a customer's own only in the portal)."""
        return await self.tickets.page_of(page, only_customer, self.customer_id)

    async def get(self, ticket_id: uuid.UUID) -> Ticket:
        """One ticket (404 when it is another customer's in the portal)."""
        ticket = await self.tickets.get(ticket_id)
        if self.customer_id is not None and ticket.customer_id != self.customer_id:
            # Another customer's ticket looks exactly like a missing one.
            raise NotFoundError(f"ticket {ticket_id}: no such ticket in this tenant")
        return ticket

    async def open(self, body: s.TicketCreate, by_customer: bool) -> Ticket:
        """Open a ticket, with its first message when a body is given."""
        tid = self.principal.tenant_id
        customer_id = self.customer_id if by_customer else body.customer_id
        if customer_id is None:
            raise InvalidRequestError("customer_id: required when staff open a ticket")
        await Customers(self.session, tid).get_reference(customer_id, "customer_id")
        if body.subscription_id is not None:
            sub = await Subscriptions(self.session, tid).get_reference(body.subscription_id,
                                                                       "subscription_id")
            if sub.customer_id != customer_id:
                raise InvalidRequestError("subscription_id: belongs to another customer")
        if body.device_id is not None and not by_customer:
            await DeviceRepository(self.session, tid).get_reference(body.device_id, "device_id")
        ticket = self.tickets.add(Ticket(
            customer_id=customer_id, subscription_id=body.subscription_id,
            device_id=None if by_customer else body.device_id, subject=body.subject,
            priority=body.priority, status="open", opened_by=self.principal.id,
            opened_by_customer=by_customer))
        gone = "ticket: its customer, subscription or device was removed meanwhile"
        await commit_or_conflict(self.session, gone, flush_only=True)
        if body.body:
            self._comment(ticket, body.body, not by_customer, utcnow())
        ticket_changed(self.session, ticket, "created")
        await commit_or_conflict(self.session, gone)
        return ticket

    def _comment(self, ticket: Ticket, text: str, by_staff: bool, now: datetime) -> None:
        self.session.add(TicketComment(tenant_id=ticket.tenant_id, ticket_id=ticket.id,
                                       author_id=self.principal.id, by_staff=by_staff,
                                       body=text))
        if by_staff and ticket.opened_by_customer and ticket.first_response_at is None:
            ticket.first_response_at = now

    async def comment(self, ticket_id: uuid.UUID, body: s.CommentCreate, by_staff: bool,
                      now: datetime | None = None) -> Ticket:
        """Add a message; the first staff reply to a customer ticket is its first response."""
        ticket = await self.get(ticket_id)
        self._comment(ticket, body.body, by_staff, now or utcnow())
        ticket_changed(self.session, ticket, "commented")
        await self.session.commit()
        return ticket

    async def update(self, ticket_id: uuid.UUID, body: s.TicketUpdate,
                     now: datetime | None = None) -> Ticket:
        """Change status/priority/assignee; resolving stamps resolved_at (reopen clears it)."""
        ticket = await self.get(ticket_id)
        if body.assignee_id is not None:
            await UserRepository(self.session, self.principal.tenant_id).get_reference(
                body.assignee_id, "assignee_id")
            ticket.assignee_id = body.assignee_id
        if body.priority is not None:
            ticket.priority = body.priority
        if body.status is not None:
            ticket.status = body.status
            done = body.status in ("resolved", "closed")
            ticket.resolved_at = (ticket.resolved_at or now or utcnow()) if done else None
        ticket_changed(self.session, ticket, "updated")
        await self.session.commit()
        return ticket

    async def out(self, ticket: Ticket) -> s.TicketPublic:
        """A ticket with its comments, oldest first."""
        result = s.TicketPublic.model_validate(ticket)
        result.comments = [s.CommentPublic.model_validate(c)
                           for c in await self.tickets.comments(ticket.id)]
        return result
