"""Support queries: tickets and their comments, filtered by the caller's tenant."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.identity.models import User
from hub.pagination import PageParams
from hub.repository import TenantScopedRepository
from hub.support.models import Ticket, TicketComment


class Tickets(TenantScopedRepository[Ticket]):
    """Tickets of the caller's tenant."""

    model, noun = Ticket, "ticket"

    async def page_of(self, params: PageParams, of_customer: bool,
                      customer_id: uuid.UUID | None,
                      ) -> tuple[list[Ticket], str | None]:
        """A page of tickets; only `customer_id`'s when `of_customer` (none when that is
        None: a portal caller bound to no customer sees nothing)."""
        query = self.select()
        if of_customer:
            query = query.where(Ticket.customer_id == customer_id)
        return await self.page(params, query)

    async def comments(self, ticket_id: uuid.UUID) -> list[TicketComment]:
        """The comments of one ticket (already reached through this repository), oldest
        first."""
        query = (select(TicketComment).where(TicketComment.ticket_id == ticket_id)
                 .order_by(TicketComment.created_at, TicketComment.id))
        return list((await self.session.execute(query)).scalars())


async def customer_of_user(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID,
                           ) -> uuid.UUID | None:
    """The customer account a user of the tenant is bound to (None for staff)."""
    query = select(User.customer_id).where(User.id == user_id, User.tenant_id == tenant_id)
    return (await session.execute(query)).scalar_one_or_none()
