"""A tenant's overrides of the shipped alarm rules (`hub.alarms.rules` merges them)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.models import AlarmRuleOverride


async def of_tenant(session: AsyncSession, tenant_id: uuid.UUID,
                    key: str | None = None) -> dict[str, AlarmRuleOverride]:
    """The tenant's overrides by rule key (only rule `key`'s when given)."""
    query = select(AlarmRuleOverride).where(AlarmRuleOverride.tenant_id == tenant_id)
    if key is not None:
        query = query.where(AlarmRuleOverride.rule == key)
    return {row.rule: row for row in (await session.execute(query)).scalars()}


async def of_rule(session: AsyncSession, tenant_id: uuid.UUID,
                  key: str) -> AlarmRuleOverride | None:
    """The tenant's override of rule `key`, if any."""
    query = select(AlarmRuleOverride).where(AlarmRuleOverride.tenant_id == tenant_id,
                                            AlarmRuleOverride.rule == key)
    found: AlarmRuleOverride | None = (await session.execute(query)).scalar_one_or_none()
    return found
