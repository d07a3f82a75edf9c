"""Root causes: an offline agent suppresses its devices' alarms, an unreachable device
suppresses its interfaces' alarms. A suppressed alarm names its root (`suppressed_by`) and
notifies no one; when the root clears, its children stand on their own again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms import repository as repo
from hub.alarms.events import AlarmChanged
from hub.alarms.models import Alarm
from hub.alarms.txcache import ROOTS, forget
from hub.db import utcnow
from hub.domain_events import publish

AGENT_ROOT = "agent.offline"
DEVICE_ROOT = "device.unreachable"
ROOT_RULES = frozenset({AGENT_ROOT, DEVICE_ROOT})


def root_changed(session: AsyncSession, alarm: Alarm) -> None:
    """A root alarm became active or stopped being so: forget the cached roots."""
    if alarm.rule in ROOT_RULES:
        forget(session, ROOTS)


def has_device(alarm: Alarm) -> bool:
    """Whether the alarm is about a device (or one of its interfaces)."""
    return alarm.device_id is not None or alarm.device_name is not None


def quiet(alarm: Alarm, now: datetime | None = None) -> bool:
    """Whether changes of this alarm reach no one: suppressed, shelved or in maintenance."""
    now = now or utcnow()
    shelved = alarm.shelved_until is not None and alarm.shelved_until > now
    return alarm.suppressed_by is not None or shelved or alarm.in_maintenance


async def find_root(session: AsyncSession, alarm: Alarm) -> Alarm | None:
    """The active alarm that explains this one, if any (the agent's before the device's)."""
    if alarm.rule != AGENT_ROOT and alarm.agent_id is not None and has_device(alarm):
        root = await repo.active_root(session, alarm.tenant_id, AGENT_ROOT,
                                      Alarm.agent_id == alarm.agent_id,
                                      ("agent", alarm.agent_id))
        if root is not None:
            return root
    if alarm.rule not in ROOT_RULES and alarm.if_index is not None and has_device(alarm):
        return await repo.active_root(session, alarm.tenant_id, DEVICE_ROOT,
                                      repo.same_device(alarm), repo.device_key(alarm))
    return None


async def suppress_under_root(session: AsyncSession, alarm: Alarm, at: datetime) -> bool:
    """Put `alarm` under its root when one is active; True when it is suppressed now."""
    if alarm.suppressed_by is not None:
        return True
    root = await find_root(session, alarm)
    if root is None or root.id == alarm.id:
        return False
    _suppress(session, alarm, root, at)
    return True


def _suppress(session: AsyncSession, alarm: Alarm, root: Alarm, at: datetime) -> None:
    alarm.suppressed_by = root.id
    repo.record(session, alarm, "suppressed", at, text=f"root cause: {root.subject}",
                details={"root_id": str(root.id), "root_rule": root.rule})


async def adopt_children(session: AsyncSession, root: Alarm, at: datetime) -> list[Alarm]:
    """A root became active: suppress the active alarms it explains (not already under one)."""
    if root.rule == AGENT_ROOT and root.agent_id is not None:
        scope = [Alarm.agent_id == root.agent_id,
                 or_(Alarm.device_id.is_not(None), Alarm.device_name.is_not(None))]
    elif root.rule == DEVICE_ROOT and has_device(root):
        scope = [repo.same_device(root), Alarm.if_index.is_not(None)]
    else:
        return []
    children = await repo.alarms_where(
        session, Alarm.tenant_id == root.tenant_id, Alarm.id != root.id,
        Alarm.rule.not_in(ROOT_RULES if root.rule == DEVICE_ROOT else {AGENT_ROOT}),
        Alarm.state.in_(repo.ACTIVE), Alarm.suppressed_by.is_(None), *scope)
    for child in children:
        _suppress(session, child, root, at)
    return children


async def release_children(session: AsyncSession, root: Alarm, at: datetime) -> list[Alarm]:
    """A root cleared or closed: its children stand on their own again (or under another
    active root). Those still active announce it (notifying unless otherwise quiet)."""
    children = await repo.alarms_where(session, Alarm.tenant_id == root.tenant_id,
                                       Alarm.suppressed_by == root.id, Alarm.state != "closed")
    released = []
    for child in children:
        child.suppressed_by = None
        repo.record(session, child, "unsuppressed", at, text=f"root cleared: {root.subject}",
                    details={"root_id": str(root.id)})
        if await suppress_under_root(session, child, at):
            continue
        released.append(child)
        if child.state in repo.ACTIVE:
            await publish(session, AlarmChanged(
                tenant_id=child.tenant_id, alarm_id=child.id, change="unsuppressed",
                notify=not (quiet(child) or child.flapping), at=at))
    return released
