"""The dunning policy of a tenant and the steps taken on each invoice."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import DunningPolicy, DunningStep
from hub.db import new_id


async def dunning_policy(session: AsyncSession, tenant_id: uuid.UUID) -> DunningPolicy:
    """The tenant's policy (created with defaults on first use)."""
    query = select(DunningPolicy).where(DunningPolicy.tenant_id == tenant_id)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        # Two first reads at once: the loser's insert does nothing and both read the row.
        name = session.get_bind().dialect.name
        dialect = postgresql if name == "postgresql" else sqlite
        await session.execute(dialect.insert(DunningPolicy).values(
            id=new_id(), tenant_id=tenant_id, reminder_days=3, throttle_days=10,
            suspend_days=20, mode="throttle", quiet_weekdays=[], holidays=[],
        ).on_conflict_do_nothing(index_elements=["tenant_id"]))
        found = (await session.execute(query)).scalar_one()
    return found


async def steps_taken(session: AsyncSession, invoice_id: uuid.UUID) -> set[str]:
    """The dunning steps already taken on one invoice."""
    query = select(DunningStep.step).where(DunningStep.invoice_id == invoice_id)
    return set((await session.execute(query)).scalars())
