"""The portal's reads: who a portal user is, and a customer's own subscriptions and payments."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import Payment, Plan, Subscription
from hub.billing.repository import Payments, Plans, Subscriptions
from hub.identity.models import User
from hub.pagination import PageParams


async def customer_of_user(session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID,
                           ) -> uuid.UUID | None:
    """The customer account a user of the tenant is bound to (None for staff)."""
    query = select(User.customer_id).where(User.id == user_id, User.tenant_id == tenant_id)
    return (await session.execute(query)).scalar_one_or_none()


async def subscriptions_page(session: AsyncSession, tenant_id: uuid.UUID,
                             customer_id: uuid.UUID, page: PageParams,
                             ) -> tuple[list[Subscription], str | None]:
    """One keyset page of one customer's subscriptions."""
    repo = Subscriptions(session, tenant_id)
    return await repo.page(page, repo.select().where(Subscription.customer_id == customer_id))


async def plans_by_id(session: AsyncSession, tenant_id: uuid.UUID,
                      ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Plan]:
    """The tenant's plan versions with these ids."""
    wanted = set(ids)
    if not wanted:
        return {}
    repo = Plans(session, tenant_id)
    rows = (await session.execute(repo.select().where(Plan.id.in_(wanted)))).scalars()
    return {row.id: row for row in rows}


async def payments_page(session: AsyncSession, tenant_id: uuid.UUID, customer_id: uuid.UUID,
                        page: PageParams) -> tuple[list[Payment], str | None]:
    """One keyset page of one customer's payments."""
    repo = Payments(session, tenant_id)
    return await repo.page(page, repo.select().where(Payment.customer_id == customer_id))
