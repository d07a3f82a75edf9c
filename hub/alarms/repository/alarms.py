"""Alarm rows: open alarms by dedupe key, history, roots and their children, devices."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms.models import Alarm, AlarmHistory, MaintenanceWindow
from hub.alarms.txcache import DEVICES, OPEN, ROOTS, tx_cache
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
    index), locked for update when asked (PostgreSQL; SQLite's write lock covers it).

    A locked read is remembered for the transaction: the row cannot change under us, and
    what this transaction does to it goes through the service, on the same object."""
    cache = tx_cache(session, OPEN)
    if lock and (tenant_id, dedupe_key) in cache:
        alarm: Alarm | None = cache[(tenant_id, dedupe_key)]
        return alarm if alarm is not None and alarm.state != "closed" else None
    query = select(Alarm).where(Alarm.tenant_id == tenant_id, Alarm.dedupe_key == dedupe_key,
                                Alarm.state != "closed")
    if lock:
        query = query.with_for_update()
    found: Alarm | None = (await session.execute(query)).scalar_one_or_none()
    if lock:
        cache[(tenant_id, dedupe_key)] = found
    return found


async def preload_open(session: AsyncSession, tenant_id: uuid.UUID, keys: set[str]) -> None:
    """Lock and remember the open alarms of many keys in one query (an event batch), in
    key order so that concurrent batches lock in the same order."""
    cache = tx_cache(session, OPEN)
    wanted = sorted(k for k in keys if (tenant_id, k) not in cache)
    for chunk in (wanted[n:n + 500] for n in range(0, len(wanted), 500)):
        query = (select(Alarm).where(Alarm.tenant_id == tenant_id,
                                     Alarm.dedupe_key.in_(chunk), Alarm.state != "closed")
                 .order_by(Alarm.dedupe_key).with_for_update())
        found = {a.dedupe_key: a for a in (await session.execute(query)).scalars()}
        cache.update({(tenant_id, key): found.get(key) for key in chunk})


def remember_open(session: AsyncSession, alarm: Alarm) -> None:
    """A new alarm this transaction inserted is the open alarm of its key."""
    tx_cache(session, OPEN)[(alarm.tenant_id, alarm.dedupe_key)] = alarm


def forget_open(session: AsyncSession, tenant_id: uuid.UUID, dedupe_key: str) -> None:
    """Another writer took the key: read it from the database next time."""
    tx_cache(session, OPEN).pop((tenant_id, dedupe_key), None)


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


def device_key(alarm: Alarm) -> tuple[object, ...]:
    """The cache name of `same_device(alarm)`."""
    if alarm.device_id is not None:
        return ("device", alarm.device_id)
    return ("device-name", alarm.device_name, alarm.agent_id)


async def active_root(session: AsyncSession, tenant_id: uuid.UUID, rule: str,
                      scope: ColumnElement[bool], scope_key: tuple[object, ...],
                      ) -> Alarm | None:
    """The active (raised or acknowledged) alarm of root rule `rule` within `scope`
    (`scope_key` names the scope for the transaction's cache; the service forgets the
    cache whenever a root alarm changes)."""
    cache = tx_cache(session, ROOTS)
    key = (tenant_id, rule, *scope_key)
    if key in cache:
        cached: Alarm | None = cache[key]
        return cached
    query = (select(Alarm).where(Alarm.tenant_id == tenant_id, Alarm.rule == rule,
                                 Alarm.state.in_(ACTIVE), scope)
             .order_by(Alarm.first_raised_at).limit(1))
    found: Alarm | None = (await session.execute(query)).scalar_one_or_none()
    cache[key] = found
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
    """An inventory device of the tenant by id (read once per transaction)."""
    cache = tx_cache(session, DEVICES)
    if (tenant_id, device_id) not in cache:
        query = select(Device).where(Device.tenant_id == tenant_id, Device.id == device_id)
        cache[(tenant_id, device_id)] = (await session.execute(query)).scalar_one_or_none()
    found: Device | None = cache[(tenant_id, device_id)]
    return found


def remember_devices(session: AsyncSession, devices: list[Device]) -> None:
    """Devices this transaction read already (an event batch's)."""
    tx_cache(session, DEVICES).update({(d.tenant_id, d.id): d for d in devices})


async def device_by_name(session: AsyncSession, tenant_id: uuid.UUID, name: str,
                         ) -> Device | None:
    """An inventory device of the tenant by its (unique) name."""
    query = select(Device).where(Device.tenant_id == tenant_id, Device.name == name)
    found: Device | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def not_closed(session: AsyncSession, tenant_id: uuid.UUID, rule: str,
                     keys: Iterable[str] | None = None) -> Sequence[Row[*tuple[Any, ...]]]:
    """(dedupe key, state, last raised, cleared, updated) of the rule's alarms that are not
    closed (only `keys` when given): the columns the evaluator decides on."""
    query = select(Alarm.dedupe_key, Alarm.state, Alarm.last_raised_at, Alarm.cleared_at,
                   Alarm.updated_at).where(
        Alarm.tenant_id == tenant_id, Alarm.rule == rule, Alarm.state != "closed")
    if keys is not None:
        query = query.where(Alarm.dedupe_key.in_(sorted(keys)))
    return (await session.execute(query)).all()


async def open_keys(session: AsyncSession, tenant_id: uuid.UUID, rule: str) -> set[str]:
    """Dedupe keys of the rule's alarms that are raised or acknowledged."""
    query = select(Alarm.dedupe_key).where(Alarm.tenant_id == tenant_id, Alarm.rule == rule,
                                           Alarm.state.in_(ACTIVE))
    return set((await session.execute(query)).scalars())


async def in_maintenance_now(session: AsyncSession, now: datetime,
                             ) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """Devices and sites in maintenance at `now` (every tenant): windows covering it and
    devices flagged `maintenance`."""
    windows = (await session.execute(select(
        MaintenanceWindow.device_id, MaintenanceWindow.site_id).where(
        MaintenanceWindow.starts_at <= now, MaintenanceWindow.ends_at > now))).all()
    flagged = (await session.execute(select(Device.id).where(
        Device.maintenance.is_(True)))).scalars()
    devices = {d for d, _ in windows if d is not None} | set(flagged)
    return devices, {s for _, s in windows if s is not None}
