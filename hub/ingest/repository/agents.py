"""Who an MQTT agent id names: the agent registry (`hub.inventory.Agent`) rows."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.inventory.models import Agent


async def agents_called(session: AsyncSession, name: str, *,
                        by_name: bool = False) -> list[Agent]:
    """The agent with this registry id (when `name` reads as one); with `by_name`, else
    every agent of this name, in any tenant (the caller refuses an ambiguous name)."""
    try:
        where = Agent.id == uuid.UUID(name)
    except ValueError:
        if not by_name:
            return []
        where = Agent.name == name
    return list((await session.execute(select(Agent).where(where))).scalars())
