"""What agents report about themselves and their devices: inventory facts and interfaces,
the agent's health row and last-seen time, its devices' up/down state."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ingest.models import AgentHealthRow, ObservedDevice, ObservedInterface
from hub.ingest.repository.sql import insert
from hub.inventory.models import Agent

_INTERFACE_FIELDS = ("name", "alias", "descr", "speed_bps", "admin_status", "oper_status",
                     "updated_at")


async def upsert_device_facts(session: AsyncSession, row: dict[str, Any]) -> None:
    """Create or update one observed device from its inventory facts (address, profile,
    facts, agent, site; status and last seen stay as they are on an existing row)."""
    stmt = insert(session, ObservedDevice).values(**row)
    stmt = stmt.on_conflict_do_update(
        index_elements=["tenant_id", "device"],
        set_={"address": stmt.excluded.address, "profile": stmt.excluded.profile,
              "facts": stmt.excluded.facts, "agent_id": stmt.excluded.agent_id,
              "site_id": stmt.excluded.site_id})
    await session.execute(stmt)


async def forget_interfaces_except(session: AsyncSession, tenant_id: uuid.UUID, device: str,
                                   keep: list[int]) -> None:
    """Delete the device's observed interfaces whose ifIndex is not in `keep`."""
    await session.execute(delete(ObservedInterface).where(
        ObservedInterface.tenant_id == tenant_id, ObservedInterface.device == device,
        ObservedInterface.if_index.not_in(keep)))


async def upsert_interfaces(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Create or update observed interfaces (one multi-row statement)."""
    stmt = insert(session, ObservedInterface).values(list(rows))
    stmt = stmt.on_conflict_do_update(index_elements=["tenant_id", "device", "if_index"],
                                      set_={c: getattr(stmt.excluded, c)
                                            for c in _INTERFACE_FIELDS})
    await session.execute(stmt)


async def touch_agent(session: AsyncSession, agent_id: uuid.UUID, at: datetime) -> None:
    """Move the registry's last_seen_at forward."""
    await session.execute(update(Agent).where(
        Agent.id == agent_id, (Agent.last_seen_at.is_(None)) | (Agent.last_seen_at < at)
    ).values(last_seen_at=at))


async def health_row(session: AsyncSession, agent_id: uuid.UUID) -> AgentHealthRow | None:
    """The agent's health row, if it reported before."""
    return await session.get(AgentHealthRow, agent_id)


async def devices_of_agent(session: AsyncSession, tenant_id: uuid.UUID,
                           agent_id: uuid.UUID) -> list[ObservedDevice]:
    """The observed devices the agent polls, by name (one lock order)."""
    query = select(ObservedDevice).where(ObservedDevice.tenant_id == tenant_id,
                                         ObservedDevice.agent_id == agent_id
                                         ).order_by(ObservedDevice.device)
    return list((await session.execute(query)).scalars())
