"""Device rules: reachability, CPU, memory, temperature and UPS state.

Metric names are the shared vocabulary every SNMP profile publishes
(`tests/agent_snmp/test_metric_names.py`): `cpu_load_percent`, `mem_used_percent` or
`mem_used_bytes`/`mem_free_bytes`/`mem_total_bytes`, `temperature_celsius`,
`ups_on_battery` (0/1), `ups_time_on_battery_seconds`, `ups_battery_state` (1 ok,
2 warning/low, 3 failed/depleted, 0 unknown).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from hub.alarms.conditions.base import (
    Outcome,
    device_condition,
    device_key,
    fresh,
    number,
    polled,
)
from hub.alarms.conditions.snapshot import GaugeRow, Snapshot
from hub.alarms.rules import Rule

BATTERY_STATES = {2: "low", 3: "depleted"}


def device_unreachable(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """Down (its agent could not poll it) for at least `polls` x its poll interval; the
    alarm starts when it went down, and clears at the time it came back."""
    polls = number(rule, "polls", 3)
    out = Outcome()
    for device in snapshot.devices:
        key = device_key(rule, device)
        if not device.enabled:
            continue
        since = device.status_since or device.last_seen_at or now
        if device.status != "down":
            if device.status == "up" and device.status_since is not None:
                out.ended[key] = device.status_since
            continue
        if now - since >= timedelta(seconds=polls * device.interval_s):
            reason = device.status_reason or "no answer"
            out.add(device_condition(
                snapshot, rule, device, at=since,
                summary=f"{device.name} unreachable since {since:%Y-%m-%d %H:%M:%S} UTC "
                        f"({reason})",
                details={"reason": reason, "polls": polls, "interval_s": device.interval_s}))
        else:
            out.unknown.add(key)  # going down: not yet for long enough, not over either
    return out


def _threshold_rule(snapshot: Snapshot, rule: Rule, now: datetime, metrics: tuple[str, ...],
                    reading: Callable[[list[GaugeRow]], list[tuple[str, float, datetime]]],
                    what: str, unit: str) -> Outcome:
    """Shared by cpu, memory, temperature: per device, the highest fresh reading above
    `threshold` raises one alarm naming it (and how many series are above)."""
    limit = number(rule, "threshold", 90)
    out = Outcome()
    for name, rows in snapshot.gauges_of(*metrics).items():
        device = snapshot.devices_by_name.get(name)
        if device is None:
            continue
        key = device_key(rule, device)
        values = reading(fresh(rows, device, now))
        if not polled(device) or not values:
            out.unknown.add(key)
            continue
        over = sorted((v for v in values if v[1] > limit), key=lambda v: -v[1])
        if not over:
            out.ended[key] = max(v[2] for v in values)
            continue
        series, value, _ts = over[0]
        out.add(device_condition(
            snapshot, rule, device, at=min(v[2] for v in over),
            summary=f"{device.name} {what} {value:g}{unit} (above {limit:g}{unit})",
            details={"value": value, "threshold": limit, "series": series,
                     "over": len(over)}))
    return out


def _plain(rows: list[GaugeRow]) -> list[tuple[str, float, datetime]]:
    return [(r.series, r.value, r.ts) for r in rows]


def device_cpu(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """A CPU (`cpu_load_percent`, any of them) above `threshold` percent."""
    return _threshold_rule(snapshot, rule, now, ("cpu_load_percent",), _plain, "CPU", " %")


def device_temperature(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """A temperature sensor (`temperature_celsius`) above `threshold` degrees Celsius."""
    return _threshold_rule(snapshot, rule, now, ("temperature_celsius",), _plain,
                           "temperature", " C")


MEMORY_METRICS = ("mem_used_percent", "mem_used_bytes", "mem_free_bytes", "mem_total_bytes")


def memory_percent(rows: list[GaugeRow]) -> list[tuple[str, float, datetime]]:
    """Used memory in percent per memory pool (label set): `mem_used_percent` as sent, else
    used / total, used / (used + free) or (total - free) / total of the same pool."""
    pools: dict[str, dict[str, GaugeRow]] = {}
    for row in rows:
        pools.setdefault(row.series, {})[row.metric] = row
    found = []
    for series, pool in pools.items():
        percent = _pool_percent({m: r.value for m, r in pool.items()})
        if percent is not None:
            found.append((series, round(percent, 1), min(r.ts for r in pool.values())))
    return found


def _pool_percent(v: dict[str, float]) -> float | None:
    if "mem_used_percent" in v:
        return v["mem_used_percent"]
    used, free, total = (v.get(m) for m in ("mem_used_bytes", "mem_free_bytes",
                                            "mem_total_bytes"))
    if total is None and used is not None and free is not None:
        total = used + free
    if used is None and total is not None and free is not None:
        used = total - free
    if used is None or not total:
        return None
    return 100.0 * used / total


def device_memory(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """A memory pool more than `threshold` percent used."""
    return _threshold_rule(snapshot, rule, now, MEMORY_METRICS, memory_percent, "memory",
                           " %")


def ups_on_battery(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """The UPS runs on battery (`ups_on_battery` 1); it began `ups_time_on_battery_seconds`
    before the reading when the UPS says so."""
    out = Outcome()
    gauges = snapshot.gauges_of("ups_on_battery", "ups_time_on_battery_seconds")
    for name, rows in gauges.items():
        device = snapshot.devices_by_name.get(name)
        if device is None:
            continue
        key = device_key(rule, device)
        current = {r.metric: r for r in fresh(rows, device, now)}
        state = current.get("ups_on_battery")
        if not polled(device) or state is None:
            out.unknown.add(key)
        elif state.value != 1:
            out.ended[key] = state.ts
        else:
            out.add(device_condition(
                snapshot, rule, device, at=_battery_since(state, current),
                summary=f"{device.name} on battery", details={"ups_on_battery": 1}))
    return out


def _battery_since(state: GaugeRow, current: dict[str, GaugeRow]) -> datetime:
    seconds = current.get("ups_time_on_battery_seconds")
    if seconds is None or seconds.value <= 0:
        return state.ts
    return seconds.ts - timedelta(seconds=seconds.value)


def ups_battery(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """The UPS battery is low (2) or depleted/failed (3) (`ups_battery_state`)."""
    out = Outcome()
    for name, rows in snapshot.gauges_of("ups_battery_state").items():
        device = snapshot.devices_by_name.get(name)
        if device is None:
            continue
        key = device_key(rule, device)
        current = fresh(rows, device, now)
        bad = [r for r in current if int(r.value) in BATTERY_STATES]
        if not polled(device) or not current:
            out.unknown.add(key)
        elif not bad:
            out.ended[key] = max(r.ts for r in current)
        else:
            worst = max(bad, key=lambda r: r.value)
            state = BATTERY_STATES[int(worst.value)]
            out.add(device_condition(
                snapshot, rule, device, at=min(r.ts for r in bad),
                summary=f"{device.name} battery {state}",
                details={"ups_battery_state": int(worst.value), "state": state}))
    return out

