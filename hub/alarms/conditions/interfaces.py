"""Interface rules: customer and uplink ports down, error rates, optical receive power.

A port's state is its last inventory report (`observed_interfaces`, sent when the facts
change) brought up to date by the per-poll `if_oper_status` / `if_admin_status` gauges
(IF-MIB numbers, label `ifIndex`). Error rates come from the 5-minute rollups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.alarms.conditions.base import (
    Outcome,
    device_condition,
    device_key,
    fresh,
    label,
    number,
    polled,
    reporting,
)
from hub.alarms.conditions.snapshot import DeviceRow, GaugeRow, RollupRow, Snapshot
from hub.alarms.rules import Rule

OPER = {1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent",
        7: "lowerLayerDown"}
ADMIN = {1: "up", 2: "down", 3: "testing"}
DOWN = frozenset({"down", "lowerLayerDown"})
PORT_STATUS = ("if_oper_status", "if_admin_status")
BUCKET_S = 300
ERROR_WINDOW_S = 600  # the current 5-minute bucket and the one before it
MIN_FRAME_BYTES = 64  # no Ethernet frame is shorter: octets / 64 bounds the packets
MIN_SHARE_ERRORS = 10  # fewer errors than this never raise by share (one CRC on an idle port)


@dataclass(frozen=True)
class Port:
    """One interface as the newest rows describe it."""

    device: DeviceRow
    if_index: int
    name: str
    alias: str
    descr: str
    admin: str
    oper: str
    oper_at: datetime | None  # the reading that says `oper`
    down_since: datetime | None  # the earliest row saying it is down, when it is


def ports(snapshot: Snapshot) -> list[Port]:
    """Every interface of the tenant's observed devices, newest state first (worked out
    once per snapshot: three rules read it)."""
    if "ports" not in snapshot.derived:
        snapshot.derived["ports"] = _ports(snapshot)
    found: list[Port] = snapshot.derived["ports"]
    return found


def _ports(snapshot: Snapshot) -> list[Port]:
    status = _status_gauges(snapshot)
    found: dict[tuple[str, int], Port] = {}
    for row in snapshot.interfaces:
        device = snapshot.devices_by_name.get(row.device)
        if device is None:
            continue
        base = Port(device, row.if_index, row.name, row.alias, row.descr, row.admin_status,
                    row.oper_status, row.updated_at,
                    row.updated_at if row.oper_status in DOWN else None)
        found[(row.device, row.if_index)] = _newer(base, status.get((row.device, row.if_index)))
    for (name, index), gauges in status.items():
        device = snapshot.devices_by_name.get(name)
        if (name, index) not in found and device is not None:
            any_row = next(iter(gauges.values()))
            base = Port(device, index, label(any_row.series, "ifName") or str(index),
                        label(any_row.series, "ifAlias") or "",
                        label(any_row.series, "ifDescr") or "", "unknown", "unknown", None, None)
            found[(name, index)] = _newer(base, gauges)
    return list(found.values())


def _status_gauges(snapshot: Snapshot) -> dict[tuple[str, int], dict[str, GaugeRow]]:
    found: dict[tuple[str, int], dict[str, GaugeRow]] = {}
    for row in (r for rows in snapshot.gauges_of(*PORT_STATUS).values() for r in rows):
        index = label(row.series, "ifIndex")
        if index is not None and index.isdigit():
            found.setdefault((row.device, int(index)), {})[row.metric] = row
    return found


def _newer(port: Port, gauges: dict[str, GaugeRow] | None) -> Port:
    """The port with the gauges' states where they are newer than its inventory row."""
    if not gauges:
        return port
    admin_row, oper_row = gauges.get("if_admin_status"), gauges.get("if_oper_status")
    admin, oper, oper_at, down_since = port.admin, port.oper, port.oper_at, port.down_since
    if admin_row is not None and _later(admin_row, port.oper_at):
        admin = ADMIN.get(int(admin_row.value), "unknown")
    if oper_row is not None and _later(oper_row, port.oper_at):
        oper, oper_at = OPER.get(int(oper_row.value), "unknown"), oper_row.ts
        down_since = (port.down_since or oper_row.ts) if oper in DOWN else None
    return Port(port.device, port.if_index, port.name, port.alias, port.descr, admin, oper,
                oper_at, down_since)


def _later(gauge: GaugeRow, than: datetime | None) -> bool:
    return than is None or gauge.ts >= than


def uplink_pattern(rule: Rule) -> re.Pattern[str] | None:
    """The rule's uplink regex (None when unset or not a valid regex: then only ports with
    subscriptions count)."""
    text = rule.params.get("uplink_pattern")
    if not text:
        return None
    try:
        return re.compile(str(text))
    except re.error:
        return None


def _why_watched(port: Port, snapshot: Snapshot, pattern: re.Pattern[str] | None) -> str | None:
    if port.device.device_id is not None and \
            (port.device.device_id, port.if_index) in snapshot.bound_ports:
        return "subscription"
    if pattern is not None and (pattern.search(port.alias) or pattern.search(port.descr)):
        return "uplink"
    return None


def interface_down(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """A port bound to a subscription, or whose alias/description matches `uplink_pattern`,
    operationally down while administratively up."""
    pattern, out = uplink_pattern(rule), Outcome()
    for port in ports(snapshot):
        key = device_key(rule, port.device, port.if_index)
        why = _why_watched(port, snapshot, pattern)
        if why is None or port.admin != "up":
            continue
        if not polled(port.device):
            out.unknown.add(key)
        elif port.oper not in DOWN:
            if port.oper_at is not None:
                out.ended[key] = port.oper_at
        else:
            at = port.down_since or port.oper_at or now
            out.add(device_condition(
                snapshot, rule, port.device, at=at, extra=port.if_index,
                if_index=port.if_index, subject=f"{port.device.name} {port.name}",
                summary=f"{port.device.name} {port.name} is {port.oper} "
                        f"({'customer port' if why == 'subscription' else 'uplink'})",
                details={"oper_status": port.oper, "admin_status": port.admin, "why": why,
                         "alias": port.alias, "descr": port.descr}))
    return out


def interface_errors(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """In+out errors over the last two 5-minute buckets: more than `max_errors_per_s`, or a
    share of the packets above `max_error_rate`. The rollups hold octets, not packets, so
    the share is bounded from below with the shortest frame (packets <= octets / 64): it
    never raises on a port whose real error rate is under the threshold (nor for fewer
    than MIN_SHARE_ERRORS errors). Discards are not rolled up, so not counted."""
    per_s, share = number(rule, "max_errors_per_s", 10), number(rule, "max_error_rate", 0.01)
    every = ports(snapshot)
    names = {(p.device.name, p.if_index): p.name for p in every}
    # A device gone quiet has no recent buckets: its open alarms wait, not clear.
    out = Outcome(unknown={device_key(rule, p.device, p.if_index) for p in every
                           if not reporting(p.device, now)})
    for (name, index), rows in _recent_buckets(snapshot, now).items():
        device = snapshot.devices_by_name.get(name)
        if device is None:
            continue
        key = device_key(rule, device, index)
        if not reporting(device, now):
            out.unknown.add(key)
            continue
        rate = _error_rate(rows, now)
        by_share = rate.share_floor > share and rate.errors >= MIN_SHARE_ERRORS
        if rate.per_s <= per_s and not by_share:
            continue
        port = names.get((name, index), str(index))
        out.add(device_condition(
            snapshot, rule, device, at=rate.since or now, extra=index, if_index=index,
            subject=f"{name} {port}",
            summary=f"{name} {port}: {rate.errors} errors in {rate.window_s:.0f} s "
                    f"({rate.per_s:.2f}/s, at least {100 * rate.share_floor:.2f} % of packets)",
            details={"errors": rate.errors, "window_s": rate.window_s, "errors_per_s":
                     round(rate.per_s, 3), "error_share_floor": round(rate.share_floor, 5),
                     "max_errors_per_s": per_s, "max_error_rate": share}))
    return out


@dataclass(frozen=True)
class ErrorRate:
    """Errors of one interface over the recent buckets."""

    errors: int
    window_s: float
    per_s: float
    share_floor: float
    since: datetime | None  # start of the first bucket with errors


def _recent_buckets(snapshot: Snapshot, now: datetime) -> dict[tuple[str, int], list[RollupRow]]:
    oldest = now - timedelta(seconds=ERROR_WINDOW_S)
    found: dict[tuple[str, int], list[RollupRow]] = {}
    for row in snapshot.rollups:
        if row.bucket_start > oldest:
            found.setdefault((row.device, row.if_index), []).append(row)
    return found


def _error_rate(rows: list[RollupRow], now: datetime) -> ErrorRate:
    errors = sum(r.in_errors + r.out_errors for r in rows)
    octets = sum(r.in_octets + r.out_octets for r in rows)
    start = min(r.bucket_start for r in rows)
    window = min(float(ERROR_WINDOW_S), max(float(BUCKET_S), (now - start).total_seconds()))
    packets_max = octets / MIN_FRAME_BYTES
    share = errors / (errors + packets_max) if errors else 0.0
    with_errors = [r.bucket_start for r in rows if r.in_errors + r.out_errors > 0]
    return ErrorRate(errors, window, errors / window, share,
                     min(with_errors) if with_errors else None)


def _optic_port(row: GaugeRow, by_index: dict[tuple[str, int], Port],
                by_name: dict[tuple[str, str], Port]) -> tuple[object, Port | None]:
    """(dedupe extra, port) of one optical series: its ifIndex, else ifName, else the
    sensor's entPhysicalIndex."""
    index, name = label(row.series, "ifIndex"), label(row.series, "ifName")
    if index is not None and index.isdigit():
        return int(index), by_index.get((row.device, int(index)))
    if name:
        port = by_name.get((row.device, name))
        return (port.if_index if port else name), port
    return label(row.series, "entPhysicalIndex") or row.series, None


def interface_optical_rx(snapshot: Snapshot, rule: Rule, now: datetime) -> Outcome:
    """Optical receive power (`optical_rx_dbm`) below `low` or above `high` dBm, on ports
    not shut down on purpose."""
    low, high = number(rule, "low", -25), number(rule, "high", 0)
    every = ports(snapshot)
    by_index = {(p.device.name, p.if_index): p for p in every}
    by_name = {(p.device.name, p.name): p for p in every}
    out = Outcome()
    for name, rows in snapshot.gauges_of("optical_rx_dbm").items():
        device = snapshot.devices_by_name.get(name)
        if device is None:
            continue
        current = {r.series for r in fresh(rows, device, now)}
        for row in rows:
            extra, port = _optic_port(row, by_index, by_name)
            key = device_key(rule, device, extra)
            if not polled(device) or row.series not in current:
                out.unknown.add(key)
            elif (port is not None and port.admin == "down") or low <= row.value <= high:
                out.ended[key] = row.ts
            else:
                where = port.name if port else label(row.series, "ifName") or str(extra)
                out.add(device_condition(
                    snapshot, rule, device, at=row.ts, extra=extra, subject=f"{name} {where}",
                    if_index=port.if_index if port else None,
                    summary=f"{name} {where}: optical Rx {row.value:g} dBm (range {low:g} to "
                            f"{high:g} dBm)",
                    details={"value": row.value, "low": low, "high": high,
                             "series": row.series}))
    return out
