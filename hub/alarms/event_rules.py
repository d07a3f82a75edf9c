"""Device events (traps, syslog) -> stored events and event alarms.

`on_device_events_reported` is the consumer of ingest's `DeviceEventsReported` and runs in
ingest's transaction (the batch is acknowledged only after it commits). Every event is
stored in `device_events` (once: deduplicated on its event id); the tenant's event rules
then raise or clear alarms at the event's original time (the device's clock when it stamped
one, else the agent's receive time). Events no rule claims are stored and not alarmed unless
the tenant enables `event.generic`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms import repository as repo
from hub.alarms import service
from hub.alarms.models import Alarm
from hub.alarms.repository import device_events as event_rows
from hub.alarms.rules import Rule, at_least, effective_rules
from hub.db import new_id, utcnow
from hub.ingest.events import DeviceEventsReported
from hub.inventory.models import Device
from protocol import EventRecord

log = logging.getLogger("dotmac.hub.alarms.events")

# A device clock further than this from the agent's receive time is wrong (no NTP, a
# syslog time without a year): the alarm takes the receive time, the event keeps both.
MAX_DEVICE_CLOCK_SKEW = timedelta(hours=1)
GENERIC = "event.generic"
ANY = "*"
STALE_BATCH = 2000


@dataclass(frozen=True)
class Occurrence:
    """One event at one time (a folded event occurs at its first and its last time)."""

    at: datetime
    record: EventRecord
    device: Device | None


async def on_device_events_reported(session: AsyncSession,
                                    event: DeviceEventsReported) -> None:
    """Store the batch's new events and apply the tenant's event rules to them."""
    devices = await _devices(session, event.tenant_id, event.report.events)
    fresh = await _store(session, event, devices)
    if not fresh:
        return
    repo.remember_devices(session, list(devices.values()))
    rules = await effective_rules(session, event.tenant_id)
    events = [rule for rule in rules.values() if rule.source == "event"]
    steps = [step for occurrence in _occurrences(fresh, devices)
             if (step := await _plan(session, event, occurrence, events)) is not None]
    # One query locks every alarm the batch touches, in key order.
    await repo.preload_open(session, event.tenant_id, {step.key for step in steps})
    for step in steps:
        await _apply(session, event, step)


def _device_for(record: EventRecord, devices: dict[str, Device]) -> Device | None:
    by_id = devices.get(f"id:{record.device_id}") if record.device_id else None
    by_name = devices.get(f"name:{record.device_name}") if record.device_name else None
    return by_id or by_name


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


async def _devices(session: AsyncSession, tenant_id: uuid.UUID,
                   records: Sequence[EventRecord]) -> dict[str, Device]:
    """The tenant's devices the batch names: by the agent's device id when it is one of the
    hub's device UUIDs, else by name ("id:<uuid>" and "name:<name>" keys)."""
    ids = {parsed for r in records if (parsed := _uuid(r.device_id)) is not None}
    names = {r.device_name for r in records if r.device_name}
    found: dict[str, Device] = {}
    if ids:
        for device in await event_rows.devices_by_id(session, tenant_id, ids):
            found[f"id:{device.id}"] = device
    if names:
        for device in await event_rows.devices_by_name(session, tenant_id, names):
            found[f"name:{device.name}"] = device
    return found


def original_time(record: EventRecord) -> datetime:
    """When the event happened: the device's stamp when it is plausible, else the agent's
    receive time."""
    stamp = record.device_time
    if stamp is not None and abs(stamp - record.received_at) <= MAX_DEVICE_CLOCK_SKEW:
        return stamp
    return record.received_at


def _row(event: DeviceEventsReported, record: EventRecord, device: Device | None,
         now: datetime) -> dict[str, Any]:
    return {"id": new_id(), "tenant_id": event.tenant_id, "created_at": now,
            "event_id": record.event_id, "agent_id": event.agent_id, "site_id": event.site_id,
            "device_id": device.id if device else None,
            "device_name": device.name if device else record.device_name,
            "source": record.source, "origin": record.origin,
            "event_type": record.event_type, "severity": record.severity,
            "labels": dict(record.labels), "raw": record.raw, "rule": record.rule,
            "count": record.count, "device_time": record.device_time,
            "received_at": record.received_at, "ingested_at": now}


async def _store(session: AsyncSession, event: DeviceEventsReported,
                 devices: dict[str, Device]) -> list[EventRecord]:
    """Insert the events not stored before; returns those (a redelivered event is skipped,
    so it raises nothing twice)."""
    now = utcnow()
    rows = [_row(event, r, _device_for(r, devices), now) for r in event.report.events]
    stored = await event_rows.store_new(session, rows)
    if len(stored) < len(rows):
        log.info("alarms.events_redelivered tenant=%s agent=%s skipped=%d", event.tenant_id,
                 event.agent_id, len(rows) - len(stored))
    return [r for r in event.report.events if r.event_id in stored]


def _occurrences(records: list[EventRecord], devices: dict[str, Device]) -> list[Occurrence]:
    """Each event at its original time, a folded one (count > 1) at its last time too, all
    in time order: folded down/up pairs still count as transitions."""
    found = []
    for record in records:
        device = _device_for(record, devices)
        first = original_time(record)
        found.append(Occurrence(first, record, device))
        last = record.last_received_at
        if record.count > 1 and last is not None and last > record.received_at:
            found.append(Occurrence(first + (last - record.received_at), record, device))
    return sorted(found, key=lambda o: o.at)


def _claims(rule: Rule, event_type: str) -> str | None:
    """"raise" or "clear" when the rule acts on this event type, else None."""
    if event_type in rule.param("raise_on", ()):
        return "raise"
    if event_type in rule.param("clear_on", ()):
        return "clear"
    return None


def _match(rules: list[Rule], record: EventRecord) -> tuple[Rule, str] | None:
    """The first enabled rule that claims the event; `event.generic` takes the events no
    rule claims (enabled or not) when the tenant enabled it."""
    generic = None
    for rule in rules:
        if rule.key == GENERIC:
            generic = rule
            continue
        action = _claims(rule, record.event_type)
        if action is not None:
            return (rule, action) if rule.enabled else None
    if generic is None or not generic.enabled or ANY not in generic.param("raise_on", ()):
        return None
    if not at_least(record.severity, generic.param("min_severity", "warning")):
        return None
    return generic, "raise"


def _ignored(rule: Rule, record: EventRecord) -> bool:
    ignore: dict[str, list[str]] = rule.param("ignore", {})
    return any(record.labels.get(label) in values for label, values in ignore.items())


async def _if_index(session: AsyncSession, tenant_id: uuid.UUID, record: EventRecord,
                    device: Device | None) -> int | None:
    """The interface's ifIndex: the label when the event has it, else its ifName looked up
    in the device's observed interfaces (syslog names ports; traps number them)."""
    value = record.labels.get("ifIndex")
    if value is not None and value.isdigit():
        return int(value)
    name = record.labels.get("ifName")
    if not name:
        return None
    # Ingest stores a hub-pushed device's interfaces under the agent's key for it, the
    # device id; a device of the agent's own file under its name.
    keys = [str(device.id), device.name] if device else [record.device_name or ""]
    return await event_rows.if_index_named(session, tenant_id, [k for k in keys if k], name)


def _extra(rule: Rule, record: EventRecord, if_index: int | None) -> tuple[str, str]:
    """The thing the alarm is about: (key part, words for people)."""
    if rule.key == GENERIC:
        what = record.rule or record.event_type
        return what, what
    keys: list[str] = rule.param("key", [])
    if if_index is not None and "ifIndex" in keys:
        return f"ifIndex={if_index}", record.labels.get("ifName") or f"ifIndex {if_index}"
    for label in keys:
        if record.labels.get(label):
            return f"{label}={record.labels[label]}", record.labels[label]
    return "", ""


@dataclass(frozen=True)
class Step:
    """What one occurrence does: raise or clear the alarm `key` under `rule`."""

    occurrence: Occurrence
    rule: Rule
    action: str  # raise | clear
    key: str
    who: str  # the device's name (or the sender's address)
    words: str  # the thing on it, for people ("Gi0/1", "203.0.113.1")
    if_index: int | None


async def _plan(session: AsyncSession, event: DeviceEventsReported, occurrence: Occurrence,
                rules: list[Rule]) -> Step | None:
    record, device = occurrence.record, occurrence.device
    matched = _match(rules, record)
    if matched is None:
        return None
    rule, action = matched
    if action == "raise" and _ignored(rule, record):
        return None
    by_port = "ifIndex" in rule.param("key", [])  # an interface alarm (impacts, roots)
    if_index = await _if_index(session, event.tenant_id, record, device) if by_port else None
    extra, words = _extra(rule, record, if_index)
    who = device.name if device else (record.device_name or record.source)
    key = service.dedupe_key(rule.key, device.id if device else who, extra)
    return Step(occurrence, rule, action, key, who, words, if_index)


async def _apply(session: AsyncSession, event: DeviceEventsReported, step: Step) -> None:
    if step.action == "clear":
        record = step.occurrence.record
        await service.clear_alarm(session, event.tenant_id, step.key, step.occurrence.at,
                                  reason=f"{record.event_type} from {step.who}",
                                  rule=step.rule)
        return
    await service.raise_alarm(session, _condition(event, step), step.rule)


def _condition(event: DeviceEventsReported, step: Step) -> service.Condition:
    record, device, rule = step.occurrence.record, step.occurrence.device, step.rule
    subject = f"{step.who} {step.words}".strip()
    return service.Condition(
        tenant_id=event.tenant_id, rule=rule.key, dedupe_key=step.key,
        alarm_type=rule.param("alarm_type") or record.event_type,
        severity=rule.severity or record.severity, subject=subject,
        summary=f"{record.event_type.replace('_', ' ')} on {subject}", origin="event",
        at=step.occurrence.at, site_id=event.site_id, agent_id=event.agent_id,
        device_id=device.id if device else None,
        device_name=device.name if device else record.device_name,
        if_index=step.if_index,
        details={"event_type": record.event_type, "event_id": str(record.event_id),
                 "origin": record.origin, "source": record.source,
                 "labels": dict(record.labels), "count": record.count,
                 "raw": record.raw[:300], "mapping": record.rule,
                 "received_at": record.received_at.isoformat(),
                 "device_time": record.device_time.isoformat() if record.device_time
                 else None})


def _stale_after(rule: Rule | None, alarm: Alarm) -> timedelta | None:
    """How long after its last raise an event alarm clears itself (None: it waits for its
    clearing event)."""
    if rule is None or rule.param("clear_after_s") is None:
        return None
    if rule.param("clear_on") and alarm.details.get("event_type") not in rule.param(
            "auto_clear", ()):
        return None
    return timedelta(seconds=float(rule.param("clear_after_s")))


async def clear_stale_event_alarms(session: AsyncSession, now: datetime) -> int:
    """Clear event alarms nothing will clear (config change, login failure, restart, UPS
    on battery...) once `clear_after_s` passed since their last raise; the evaluator calls
    this every pass. Returns how many were cleared."""
    active = await repo.alarms_where(session, Alarm.origin == "event",
                                     Alarm.state.in_(repo.ACTIVE), limit=STALE_BATCH)
    rules: dict[uuid.UUID, dict[str, Rule]] = {}
    cleared = 0
    for alarm in active:
        if alarm.tenant_id not in rules:
            rules[alarm.tenant_id] = await effective_rules(session, alarm.tenant_id)
        after = _stale_after(rules[alarm.tenant_id].get(alarm.rule), alarm)
        if after is None or now - alarm.last_raised_at < after:
            continue
        await service.clear_alarm(session, alarm.tenant_id, alarm.dedupe_key,
                                  alarm.last_raised_at + after,
                                  reason=f"no new event for {after.total_seconds():g} s",
                                  rule=rules[alarm.tenant_id].get(alarm.rule))
        cleared += 1
    return cleared
