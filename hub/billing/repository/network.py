"""Network actions billing asked for: the rows that follow each provisioning job."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.billing.models import NetworkAction


async def finish_actions_of_job(session: AsyncSession, job_id: uuid.UUID, status: str,
                                at: datetime, reason: str | None) -> None:
    """Record the final state of a job on the still-requested rows that queued it."""
    await session.execute(
        update(NetworkAction).where(NetworkAction.job_id == job_id,
                                    NetworkAction.status == "requested")
        .values(status=status, completed_at=at, reason=reason)
        .execution_options(synchronize_session=False))


async def network_action(session: AsyncSession, action_id: uuid.UUID) -> NetworkAction | None:
    """A network action by its row id (already reached through its subscription)."""
    return await session.get(NetworkAction, action_id)


async def network_actions_of(session: AsyncSession,
                             subscription_id: uuid.UUID) -> list[NetworkAction]:
    """Every network action of a subscription, oldest first."""
    query = (select(NetworkAction).where(NetworkAction.subscription_id == subscription_id)
             .order_by(NetworkAction.created_at, NetworkAction.id))
    return list((await session.execute(query)).scalars())
