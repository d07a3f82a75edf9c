"""Alarm queries: open alarms by dedupe key, history, roots and their children, devices."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.models import Alarm, AlarmHistory
from hub.db import new_id
from hub.inventory.models import Device
from hub.repository import TenantScopedRepository

ACTIVE = ("raised", "acknowledged")  # the condition is true now
TRANSITIONS = ("raised", "re_raised", "cleared")  # what flapping counts


class Alarms(TenantScopedRepository[Alarm]):
    """Alarms of the caller's tenant (the API's way in)."""

    model, noun = Alarm, "alarm"

    async def history(self, alarm_id: uuid.UUID) -> list[AlarmHistory]:
        """An alarm's history (reached through this repository), oldest first."""
        return await history_of(self.session, alarm_id)


async def find_open(session: AsyncSession, tenant_id: uuid.UUID, dedupe_key: str,
                    lock: bool = True) -> Alarm | None:
    """The alarm of this condition that is not closed (at most one: the partial unique
    index), locked for update when asked (PostgreSQL; SQLite's write lock covers it)."""
    query = select(Alarm).where(Alarm.tenant_id == tenant_id, Alarm.dedupe_key == dedupe_key,
                                Alarm.state != "closed")
    if lock:
        query = query.with_for_update()
    found: Alarm | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def history_of(session: AsyncSession, alarm_id: uuid.UUID) -> list[AlarmHistory]:
    """Every step of one alarm, oldest first."""
    query = (select(AlarmHistory).where(AlarmHistory.alarm_id == alarm_id)
             .order_by(AlarmHistory.at, AlarmHistory.id))
    return list((await session.execute(query)).scalars())


def record(session: AsyncSession, alarm: Alarm, action: str, at: datetime,
           actor: str = "system", actor_id: uuid.UUID | None = None, text: str = "",
           details: dict[str, Any] | None = None) -> AlarmHistory:
    """Stage one history row of `alarm` (who did what, when)."""
    row = AlarmHistory(id=new_id(), tenant_id=alarm.tenant_id, alarm_id=alarm.id, at=at,
                       action=action, actor=actor, actor_id=actor_id, text=text,
                       details=details or {})
    session.add(row)
    return row


async def transitions_since(session: AsyncSession, alarm_id: uuid.UUID, since: datetime,
                            ) -> int:
    """How many raise/clear transitions the alarm made after `since`."""
    query = select(func.count()).select_from(AlarmHistory).where(
        AlarmHistory.alarm_id == alarm_id, AlarmHistory.action.in_(TRANSITIONS),
        AlarmHistory.at > since)
    return int((await session.execute(query)).scalar_one())


def same_device(alarm: Alarm) -> ColumnElement[bool]:
    """Alarms about the same device as `alarm`: its id when known, else name and agent."""
    if alarm.device_id is not None:
        return Alarm.device_id == alarm.device_id
    return and_(Alarm.device_name == alarm.device_name, Alarm.agent_id == alarm.agent_id)


async def active_root(session: AsyncSession, tenant_id: uuid.UUID, rule: str,
                      scope: ColumnElement[bool]) -> Alarm | None:
    """The active (raised or acknowledged) alarm of root rule `rule` within `scope`."""
    query = (select(Alarm).where(Alarm.tenant_id == tenant_id, Alarm.rule == rule,
                                 Alarm.state.in_(ACTIVE), scope)
             .order_by(Alarm.first_raised_at).limit(1))
    found: Alarm | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def alarms_where(session: AsyncSession, *conditions: ColumnElement[bool],
                       lock: bool = False, limit: int | None = None) -> list[Alarm]:
    """Alarms matching every condition (oldest first, at most `limit`)."""
    query = select(Alarm).where(*conditions).order_by(Alarm.first_raised_at, Alarm.id)
    if limit is not None:
        query = query.limit(limit)
    if lock:
        query = query.with_for_update()
    return list((await session.execute(query)).scalars())


async def device_by_id(session: AsyncSession, tenant_id: uuid.UUID, device_id: uuid.UUID,
                       ) -> Device | None:
    """An inventory device of the tenant by id."""
    query = select(Device).where(Device.tenant_id == tenant_id, Device.id == device_id)
    found: Device | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def device_by_name(session: AsyncSession, tenant_id: uuid.UUID, name: str,
                         ) -> Device | None:
    """An inventory device of the tenant by its (unique) name."""
    query = select(Device).where(Device.tenant_id == tenant_id, Device.name == name)
    found: Device | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def open_keys(session: AsyncSession, tenant_id: uuid.UUID, rule: str) -> set[str]:
    """Dedupe keys of the rule's alarms that are raised or acknowledged."""
    query = select(Alarm.dedupe_key).where(Alarm.tenant_id == tenant_id, Alarm.rule == rule,
                                           Alarm.state.in_(ACTIVE))
    return set((await session.execute(query)).scalars())
