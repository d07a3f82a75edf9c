"""What every condition function shares: its result, dedupe keys, subjects, params."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hub.alarms.conditions.snapshot import DeviceRow, GaugeRow, Snapshot
from hub.alarms.rules import Rule
from hub.alarms.service import Condition, dedupe_key

__all__ = ["Condition", "ConditionFn", "Outcome", "dedupe_key"]

SUBJECT_MAX = 255
# A gauge older than this many poll intervals (and at least STALE_MIN_S: some metrics are
# polled every 300 s) tells nothing about now: its alarm is neither raised nor cleared.
STALE_POLLS = 3
STALE_MIN_S = 900.0


@dataclass
class Outcome:
    """What one rule finds in one snapshot.

    `active`: the conditions true now (the evaluator raises each; raising an open alarm
    only touches it). `unknown`: dedupe keys the rows cannot decide now (the device is
    unreachable, its values are stale): their alarms stay as they are. `ended`: when a
    condition known to be over stopped (a device up since...), the time its clear carries;
    other clears carry the time of the pass."""

    active: list[Condition] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    ended: dict[str, datetime] = field(default_factory=dict)
    _keys: set[str] = field(default_factory=set, repr=False)

    def add(self, condition: Condition) -> None:
        """One condition true now (a second one with the same key is ignored)."""
        if condition.dedupe_key not in self.active_keys():
            self.active.append(condition)
            self._keys.add(condition.dedupe_key)

    def active_keys(self) -> set[str]:
        """Dedupe keys of the active conditions."""
        if len(self._keys) != len(self.active):  # `active` was filled directly
            self._keys = {c.dedupe_key for c in self.active}
        return self._keys


ConditionFn = Callable[[Snapshot, Rule, datetime], Outcome]


def device_key(rule: Rule, device: DeviceRow, extra: object = "") -> str:
    """The dedupe key of a condition about a device (its inventory id when it has one)."""
    return dedupe_key(rule.key, device.device_id or device.name, extra)


def alarm_type(rule: Rule) -> str:
    """The rule's alarm type: params.alarm_type, else the rule key."""
    return str(rule.params.get("alarm_type") or rule.key)


def number(rule: Rule, name: str, default: float) -> float:
    """A numeric param of the rule (the shipped default when a tenant's override lacks it)."""
    value: Any = rule.params.get(name, default)
    return float(default if value is None else value)


def severity(rule: Rule, fallback: str = "major") -> str:
    """The rule's severity (a telemetry rule always has one; fallback for safety)."""
    return rule.severity or fallback


def device_condition(snapshot: Snapshot, rule: Rule, device: DeviceRow, *, at: datetime,
                     summary: str, extra: object = "", subject: str | None = None,
                     if_index: int | None = None, origin: str = "telemetry",
                     details: dict[str, Any] | None = None) -> Condition:
    """A condition about one device (or one of its interfaces)."""
    return Condition(
        tenant_id=snapshot.tenant_id, rule=rule.key, dedupe_key=device_key(rule, device, extra),
        alarm_type=alarm_type(rule), severity=severity(rule),
        subject=(subject or device.name)[:SUBJECT_MAX], summary=summary, origin=origin, at=at,
        site_id=device.site_id, agent_id=device.agent_id, device_id=device.device_id,
        device_name=device.name, if_index=if_index, details=details or {})


def stale_after(device: DeviceRow) -> timedelta:
    """How old a gauge of this device may be and still describe now."""
    return timedelta(seconds=max(STALE_POLLS * device.interval_s, STALE_MIN_S))


def fresh(rows: Iterable[GaugeRow], device: DeviceRow, now: datetime) -> list[GaugeRow]:
    """The rows recent enough to describe now."""
    oldest = now - stale_after(device)
    return [r for r in rows if r.ts >= oldest]


def reporting(device: DeviceRow, now: datetime) -> bool:
    """Polled, answering, and heard from lately (its agent may be offline: then nothing
    it stored describes now)."""
    return polled(device) and device.last_seen_at is not None and \
        now - device.last_seen_at <= stale_after(device)


def polled(device: DeviceRow) -> bool:
    """Whether the device is polled and answering: only then do its values mean anything
    (an unreachable device's alarms wait under device.unreachable)."""
    return device.enabled and device.status != "down"


def label(series: str, key: str) -> str | None:
    """One label of a `latest_values.series` text (sorted `k=v` pairs joined by commas), or
    None when it is absent or ambiguous: label values are device text and may hold commas
    (an alias "a,ifIndex=9" must not pass for an ifIndex)."""
    values = {part.partition("=")[2] for part in series.split(",")
              if part.partition("=")[0] == key and "=" in part}
    return values.pop() if len(values) == 1 else None
