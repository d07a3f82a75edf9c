"""Alarm lifecycle: raise (create, re-raise, touch), clear, acknowledge, comment, shelve,
close; with dedupe, flapping, maintenance, correlation, customer impacts and tickets.

Every function works in the caller's transaction and never commits: the evaluator, the
event handler and the API commit (or roll back) what they did as one. Times passed in are
the original times of the condition (the device's clock when known); history rows record
who (`actor`, "system" for the hub) and when.

One open alarm per condition (`dedupe_key`), across hub processes too: a new alarm is
inserted inside a SAVEPOINT, and the partial unique index makes the second of two racing
inserts fail; that one re-reads the winner's row and goes on with it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms import correlation, impacts
from hub.alarms import repository as repo
from hub.alarms.events import AlarmChanged
from hub.alarms.models import Alarm, AlarmHistory
from hub.alarms.rules import Rule, effective_rule, effective_rules
from hub.db import new_id, utcnow
from hub.domain_events import publish
from hub.errors import ConflictError, InvalidRequestError

log = logging.getLogger("dotmac.hub.alarms")

SYSTEM = "system"
RACE_RETRIES = 3


@dataclass(frozen=True)
class Condition:
    """"This condition is true now": what a rule found, ready to raise (or touch) an alarm.

    `dedupe_key` is the condition's identity, built by the rule:
    f"{rule}|{device_id or device_name or agent_id}|{extra}" (extra: ifIndex, neighbor...).
    `at` is the original time (the device's clock when known)."""

    tenant_id: uuid.UUID
    rule: str
    dedupe_key: str
    alarm_type: str
    severity: str
    subject: str
    summary: str
    origin: str  # event | telemetry | agent | hub
    at: datetime
    site_id: uuid.UUID | None = None
    agent_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None
    device_name: str | None = None
    if_index: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def dedupe_key(rule: str, subject: object, extra: object = "") -> str:
    """The conventional dedupe key: rule, the thing (device id, name or agent id), extra."""
    return f"{rule}|{subject}|{'' if extra is None else extra}"[:255]


async def _announce(session: AsyncSession, alarm: Alarm, change: str, at: datetime,
                    notify: bool) -> None:
    await publish(session, AlarmChanged(tenant_id=alarm.tenant_id, alarm_id=alarm.id,
                                        change=change, notify=notify, at=at))


async def _announce_transition(session: AsyncSession, alarm: Alarm, change: str,
                               at: datetime, flap: str) -> None:
    """Publish a raise/clear: "flapping" once when it starts, nothing while it lasts."""
    if flap == "started":
        await _announce(session, alarm, "flapping", at, not correlation.quiet(alarm))
    elif flap == "normal":
        await _announce(session, alarm, change, at, not correlation.quiet(alarm))


# ---- raise ----

async def raise_alarm(session: AsyncSession, cond: Condition, rule: Rule | None = None,
                      ) -> Alarm:
    """Make the condition's alarm active: a new alarm, a re-raise of a cleared one, or a
    touch of an active one (latest time, severity, summary). A raise older than the
    alarm's clear changes nothing (events may arrive late, after the clear)."""
    rule = rule or await effective_rule(session, cond.tenant_id, cond.rule)
    for _ in range(RACE_RETRIES):
        alarm = await repo.find_open(session, cond.tenant_id, cond.dedupe_key)
        if alarm is None:
            alarm = await _insert(session, cond)
            if alarm is not None:
                await _after_create(session, alarm, cond, rule)
                return alarm
            continue  # another process inserted it first: go on with its row
        if alarm.state != "cleared":
            _touch(session, alarm, cond)
        elif alarm.cleared_at is None or cond.at > alarm.cleared_at:
            await _re_raise(session, alarm, cond, rule)
        return alarm
    raise ConflictError(f"alarm {cond.dedupe_key!r}: kept changing under concurrent "
                        "writers; retry the operation")


def _new_alarm(cond: Condition) -> Alarm:
    return Alarm(
        id=new_id(), tenant_id=cond.tenant_id, rule=cond.rule, dedupe_key=cond.dedupe_key,
        alarm_type=cond.alarm_type, severity=cond.severity, state="raised",
        site_id=cond.site_id, agent_id=cond.agent_id, device_id=cond.device_id,
        device_name=cond.device_name, if_index=cond.if_index, subject=cond.subject[:255],
        summary=cond.summary, details=dict(cond.details), origin=cond.origin,
        first_raised_at=cond.at, last_raised_at=cond.at, raised_count=1,
        last_change_at=cond.at, flapping=False, in_maintenance=False, impacts=[],
        created_at=utcnow(), updated_at=utcnow())


async def _insert(session: AsyncSession, cond: Condition) -> Alarm | None:
    """Insert the alarm in a savepoint; None when another writer's open alarm took the key
    (any other integrity error, such as an unknown device id, is the caller's to see)."""
    alarm = _new_alarm(cond)
    try:
        async with session.begin_nested():
            session.add(alarm)
    except IntegrityError:
        repo.forget_open(session, cond.tenant_id, cond.dedupe_key)
        if await repo.find_open(session, cond.tenant_id, cond.dedupe_key, lock=False) is None:
            raise
        log.info("alarm.raise_race tenant=%s key=%s", cond.tenant_id, cond.dedupe_key)
        return None
    repo.remember_open(session, alarm)
    correlation.root_changed(session, alarm)
    return alarm


async def _after_create(session: AsyncSession, alarm: Alarm, cond: Condition,
                        rule: Rule) -> None:
    repo.record(session, alarm, "raised", cond.at, text=cond.summary,
                details={"severity": cond.severity})
    await _refresh_context(session, alarm, cond.at, rule)
    await _announce(session, alarm, "raised", cond.at, not correlation.quiet(alarm))


async def _refresh_context(session: AsyncSession, alarm: Alarm, at: datetime,
                           rule: Rule) -> None:
    """What surrounds a (re-)raised alarm: maintenance, its root (or its children when it
    is one), the customers it touches, and the ticket its rule may ask for."""
    alarm.in_maintenance = await impacts.in_maintenance(session, alarm, at)
    await correlation.suppress_under_root(session, alarm, at)
    if alarm.rule in correlation.ROOT_RULES:
        await correlation.adopt_children(session, alarm, at)
    alarm.impacts = await impacts.impacts_of(session, alarm)
    await impacts.open_ticket(session, alarm, rule, at)


def _touch(session: AsyncSession, alarm: Alarm, cond: Condition) -> None:
    """The condition is still true: newest time, summary and details; severity changes are
    history."""
    if cond.at > alarm.last_raised_at:
        alarm.last_raised_at = cond.at
    if cond.severity != alarm.severity:
        repo.record(session, alarm, "severity_changed", cond.at,
                    text=f"{alarm.severity} -> {cond.severity}",
                    details={"from": alarm.severity, "to": cond.severity})
        alarm.severity = cond.severity
    alarm.summary, alarm.details = cond.summary, {**alarm.details, **cond.details}
    alarm.updated_at = utcnow()


async def _re_raise(session: AsyncSession, alarm: Alarm, cond: Condition, rule: Rule,
                    ) -> None:
    previous_change = alarm.last_change_at
    alarm.state, alarm.raised_count = "raised", alarm.raised_count + 1
    alarm.last_raised_at = alarm.last_change_at = cond.at
    alarm.cleared_at = alarm.cleared_by = None
    alarm.acknowledged_at = alarm.acknowledged_by = None
    alarm.severity, alarm.summary = cond.severity, cond.summary
    alarm.details = {**alarm.details, **cond.details}
    alarm.updated_at = utcnow()
    repo.record(session, alarm, "re_raised", cond.at, text=cond.summary,
                details={"raised_count": alarm.raised_count})
    correlation.root_changed(session, alarm)
    await _refresh_context(session, alarm, cond.at, rule)
    flap = await _flap(session, alarm, previous_change, cond.at, rule)
    await _announce_transition(session, alarm, "re_raised", cond.at, flap)


# ---- flapping ----

async def _flap(session: AsyncSession, alarm: Alarm, previous_change: datetime,
                at: datetime, rule: Rule) -> str:
    """Count this transition: "started" when the alarm begins flapping now, "flapping"
    while it does, "normal" otherwise. A transition after a quiet window ends flapping."""
    window = timedelta(seconds=float(rule.param("flap_window_s", 600)))
    if alarm.flapping and at - previous_change >= window:
        _end_flapping(session, alarm, at)
    if alarm.flapping:
        return "flapping"
    if previous_change <= at - window:
        return "normal"  # transitions only move forward: no earlier one is in the window
    await session.flush()
    count = await repo.transitions_since(session, alarm.id, at - window)
    if count < int(rule.param("flap_transitions", 4)):
        return "normal"
    alarm.flapping, alarm.flap_started_at = True, at
    repo.record(session, alarm, "flapping", at,
                text=f"{count} raise/clear transitions within {window.total_seconds():g} s")
    return "started"


def _end_flapping(session: AsyncSession, alarm: Alarm, at: datetime) -> None:
    alarm.flapping, alarm.flap_started_at = False, None
    repo.record(session, alarm, "stable", at, text="no transition for a whole flap window")


# ---- clear ----

async def clear_alarm(session: AsyncSession, tenant_id: uuid.UUID, dedupe_key: str,
                      at: datetime, by: str = SYSTEM, reason: str = "",
                      actor_id: uuid.UUID | None = None, rule: Rule | None = None,
                      ) -> Alarm | None:
    """The condition is no longer true: clear its active alarm (None when it has none). A
    clear older than the alarm's latest raise changes nothing."""
    alarm = await repo.find_open(session, tenant_id, dedupe_key)
    if alarm is None or alarm.state == "cleared" or at < alarm.last_raised_at:
        return alarm
    rule = rule or await effective_rule(session, tenant_id, alarm.rule)
    previous_change = alarm.last_change_at
    alarm.state, alarm.cleared_at, alarm.cleared_by = "cleared", at, by
    alarm.last_change_at, alarm.updated_at = at, utcnow()
    repo.record(session, alarm, "cleared", at, actor=by, actor_id=actor_id, text=reason)
    correlation.root_changed(session, alarm)
    flap = await _flap(session, alarm, previous_change, at, rule)
    if alarm.rule in correlation.ROOT_RULES:
        await correlation.release_children(session, alarm, at)
    await _announce_transition(session, alarm, "cleared", at, flap)
    return alarm


# ---- what people do ----

def _refuse_closed(alarm: Alarm, what: str) -> None:
    if alarm.state == "closed":
        raise ConflictError(f"alarm {alarm.id}: closed, cannot {what} it; a new occurrence "
                            "of the condition raises a new alarm")


async def acknowledge(session: AsyncSession, alarm: Alarm, actor: str,
                      actor_id: uuid.UUID | None = None, at: datetime | None = None,
                      text: str = "") -> Alarm:
    """Someone owns the alarm now (stops escalation). A cleared alarm keeps its state and
    records who acknowledged it."""
    _refuse_closed(alarm, "acknowledge")
    if alarm.acknowledged_at is not None:
        return alarm
    at = at or utcnow()
    alarm.acknowledged_at, alarm.acknowledged_by = at, actor
    if alarm.state == "raised":
        alarm.state = "acknowledged"
    alarm.updated_at = utcnow()
    repo.record(session, alarm, "acknowledged", at, actor=actor, actor_id=actor_id, text=text)
    await _announce(session, alarm, "acknowledged", at, not correlation.quiet(alarm))
    return alarm


async def unacknowledge(session: AsyncSession, alarm: Alarm, actor: str,
                        actor_id: uuid.UUID | None = None, at: datetime | None = None,
                        text: str = "") -> Alarm:
    """Give the alarm back: raised again if it is still active."""
    _refuse_closed(alarm, "unacknowledge")
    if alarm.acknowledged_at is None:
        return alarm
    at = at or utcnow()
    alarm.acknowledged_at = alarm.acknowledged_by = None
    if alarm.state == "acknowledged":
        alarm.state = "raised"
    alarm.updated_at = utcnow()
    repo.record(session, alarm, "unacknowledged", at, actor=actor, actor_id=actor_id,
                text=text)
    return alarm


async def comment(session: AsyncSession, alarm: Alarm, text: str, actor: str,
                  actor_id: uuid.UUID | None = None, at: datetime | None = None,
                  ) -> AlarmHistory:
    """A note on the alarm's history (closed alarms too: post-mortems)."""
    if not text.strip():
        raise InvalidRequestError("text: empty; write what you found or did")
    alarm.updated_at = utcnow()
    return repo.record(session, alarm, "commented", at or utcnow(), actor=actor,
                       actor_id=actor_id, text=text)


async def shelve(session: AsyncSession, alarm: Alarm, until: datetime, actor: str,
                 actor_id: uuid.UUID | None = None, at: datetime | None = None,
                 text: str = "") -> Alarm:
    """Silence the alarm until a time: it still raises and clears, notifying no one."""
    _refuse_closed(alarm, "shelve")
    at = at or utcnow()
    if until <= at:
        raise InvalidRequestError(f"until {until.isoformat()}: in the past; shelve until a "
                                  "later time")
    alarm.shelved_until, alarm.shelved_by, alarm.updated_at = until, actor, utcnow()
    repo.record(session, alarm, "shelved", at, actor=actor, actor_id=actor_id, text=text,
                details={"until": until.isoformat()})
    return alarm


async def unshelve(session: AsyncSession, alarm: Alarm, actor: str,
                   actor_id: uuid.UUID | None = None, at: datetime | None = None,
                   text: str = "") -> Alarm:
    """End a shelve early."""
    if alarm.shelved_until is None:
        return alarm
    alarm.shelved_until = alarm.shelved_by = None
    alarm.updated_at = utcnow()
    repo.record(session, alarm, "unshelved", at or utcnow(), actor=actor, actor_id=actor_id,
                text=text)
    return alarm


async def close(session: AsyncSession, alarm: Alarm, actor: str,
                actor_id: uuid.UUID | None = None, at: datetime | None = None,
                text: str = "", notify: bool = True) -> Alarm:
    """Close the alarm for good (history); its condition raising again opens a new alarm."""
    if alarm.state == "closed":
        return alarm
    at = at or utcnow()
    alarm.state, alarm.closed_at, alarm.closed_by = "closed", at, actor
    alarm.updated_at = utcnow()
    repo.record(session, alarm, "closed", at, actor=actor, actor_id=actor_id, text=text)
    correlation.root_changed(session, alarm)
    if alarm.rule in correlation.ROOT_RULES:
        await correlation.release_children(session, alarm, at)
    await _announce(session, alarm, "closed", at, notify and not correlation.quiet(alarm))
    return alarm


# ---- the evaluator's housekeeping ----

CLOSE_BATCH = 2000


async def close_expired(session: AsyncSession, now: datetime) -> int:
    """One housekeeping pass (the evaluator calls it): flapping alarms quiet for a whole
    window become stable (announcing their final state), cleared alarms older than their
    rule's close_after_s are closed. Returns how many were closed."""
    rules: dict[uuid.UUID, dict[str, Rule]] = {}
    await _settle_flapping(session, now, rules)
    cleared = await repo.alarms_where(session, Alarm.state == "cleared",
                                      Alarm.cleared_at <= now, lock=True, limit=CLOSE_BATCH)
    closed = 0
    for alarm in cleared:
        rule = await _rule_of(session, alarm, rules)
        after = timedelta(seconds=float(rule.param("close_after_s", 3600)))
        if alarm.cleared_at is not None and now - alarm.cleared_at >= after:
            await close(session, alarm, SYSTEM, at=now, text="cleared long enough",
                        notify=False)
            closed += 1
    return closed


async def _rule_of(session: AsyncSession, alarm: Alarm,
                   cache: dict[uuid.UUID, dict[str, Rule]]) -> Rule:
    if alarm.tenant_id not in cache:
        cache[alarm.tenant_id] = await effective_rules(session, alarm.tenant_id)
    found = cache[alarm.tenant_id].get(alarm.rule)
    return found or await effective_rule(session, alarm.tenant_id, alarm.rule)


async def _settle_flapping(session: AsyncSession, now: datetime,
                           cache: dict[uuid.UUID, dict[str, Rule]]) -> None:
    flapping = await repo.alarms_where(session, Alarm.flapping.is_(True),
                                       Alarm.state != "closed", lock=True)
    for alarm in flapping:
        rule = await _rule_of(session, alarm, cache)
        window = timedelta(seconds=float(rule.param("flap_window_s", 600)))
        if now - alarm.last_change_at < window:
            continue
        _end_flapping(session, alarm, now)
        # Notifications were held while it flapped: tell where it ended up.
        change = "cleared" if alarm.state == "cleared" else "re_raised"
        await _announce(session, alarm, change, alarm.last_change_at,
                        not correlation.quiet(alarm, now))


async def open_dedupe_keys(session: AsyncSession, tenant_id: uuid.UUID, rule: str,
                           ) -> set[str]:
    """Dedupe keys of the rule's active alarms (the evaluator clears those whose condition
    it no longer finds)."""
    return await repo.open_keys(session, tenant_id, rule)


# ---- windows that open and close while alarms stay open ----

SETTLE_BATCH = 5000


async def settle_windows(session: AsyncSession, now: datetime) -> int:
    """Follow time for open alarms (the evaluator's housekeeping): a maintenance window
    that began or ended, a device's maintenance flag set or cleared, a shelve that ran out.
    An alarm still raised when its silence ends is announced then (the NOC learns of a
    problem that outlived the maintenance). Returns how many alarms changed."""
    open_alarms = await repo.alarms_where(
        session, Alarm.state != "closed", await _may_change_silence(session, now),
        lock=True, limit=SETTLE_BATCH)
    changed = 0
    for alarm in open_alarms:
        # As stored: a shelve past its time still silenced the alarm until now.
        was_quiet = (alarm.suppressed_by is not None or alarm.shelved_until is not None
                     or alarm.in_maintenance)
        moved = await _follow_maintenance(session, alarm, now)
        moved = _expire_shelve(session, alarm, now) or moved
        if not moved:
            continue
        changed += 1
        alarm.updated_at = utcnow()
        if was_quiet and not correlation.quiet(alarm, now) and alarm.state == "raised" \
                and not alarm.flapping:
            await _announce(session, alarm, "re_raised", now, True)
    return changed


async def _may_change_silence(session: AsyncSession, now: datetime) -> ColumnElement[bool]:
    """Alarms whose silence may change now: in maintenance (it may have ended), shelved
    past their time, or on a device/site that is in maintenance now (it may have begun).
    Keeps the locked set to the few that matter, not every open alarm."""
    devices, sites = await repo.in_maintenance_now(session, now)
    return or_(Alarm.in_maintenance.is_(True), Alarm.shelved_until <= now,
               Alarm.device_id.in_(devices) if devices else false(),
               Alarm.site_id.in_(sites) if sites else false())


async def _follow_maintenance(session: AsyncSession, alarm: Alarm, now: datetime) -> bool:
    inside = await impacts.in_maintenance(session, alarm, now)
    if inside == alarm.in_maintenance:
        return False
    alarm.in_maintenance = inside
    repo.record(session, alarm, "maintenance_started" if inside else "maintenance_ended", now)
    return True


def _expire_shelve(session: AsyncSession, alarm: Alarm, now: datetime) -> bool:
    if alarm.shelved_until is None or alarm.shelved_until > now:
        return False
    until = alarm.shelved_until
    alarm.shelved_until = alarm.shelved_by = None
    repo.record(session, alarm, "unshelved", now, text="shelve ran out",
                details={"until": until.isoformat()})
    return True
