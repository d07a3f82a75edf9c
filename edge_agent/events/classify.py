"""Turning a decoded trap or syslog message into a `DeviceEvent` with the catalog: pure.

Nothing here touches a socket, so every rule is testable from a sample. Unknown traps and
lines become generic `snmp_trap` / `syslog` events carrying their raw summary: the hub may
still have a rule for them, and a drop would hide what the device said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from edge_agent.events.mapping import EventCatalog, SeverityBy, TrapRule, VarbindLabel
from edge_agent.events.model import DeviceEvent, DeviceRef, Severity, from_syslog_level, truncate

SNMP_TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
# RFC 3584 adds these when translating a v1 trap; the community is a secret and never kept.
SNMP_TRAP_COMMUNITY = "1.3.6.1.6.3.18.1.4.0"
GENERIC_TRAP = "snmp_trap"
GENERIC_SYSLOG = "syslog"
# A device sent a trap nobody mapped: worth a look, not a page.
UNKNOWN_TRAP_SEVERITY = Severity.WARNING

Varbinds = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TrapMessage:
    """A notification as received: SNMPv2 varbinds (v1 traps already translated)."""

    version: Literal["1", "2c", "3"]
    kind: Literal["trap", "inform"]
    varbinds: Varbinds

    @property
    def trap_oid(self) -> str:
        """snmpTrapOID.0, the notification's identity ("" when missing)."""
        return next((value for oid, value in self.varbinds if oid == SNMP_TRAP_OID), "")


@dataclass(frozen=True)
class SyslogMessage:
    """A syslog line split into header and `text` (what patterns are searched in)."""

    line: str
    text: str
    format: Literal["rfc5424", "rfc3164", "unknown"]
    facility: int | None = None
    level: int | None = None
    timestamp: datetime | None = None
    hostname: str | None = None
    app: str | None = None


def scrub(varbinds: Varbinds) -> Varbinds:
    """The varbinds without any that carry a community string."""
    return tuple((oid, value) for oid, value in varbinds if oid != SNMP_TRAP_COMMUNITY)


def _varbind_label(spec: VarbindLabel, varbinds: Varbinds) -> str | None:
    for oid, value in varbinds:
        if oid == spec.prefix or oid.startswith(spec.prefix + "."):
            text = oid[len(spec.prefix) + 1:] if spec.source == "index" else value
            return spec.values.get(text, text)
    return None


def _severity(base: Severity, by: SeverityBy | None, labels: dict[str, str]) -> Severity:
    if by is None or by.label not in labels:
        return base
    return by.values.get(labels[by.label], base)


def _trap_labels(rule: TrapRule | None, msg: TrapMessage) -> dict[str, str]:
    if rule is None:
        return {"trap_oid": msg.trap_oid or "unknown"}
    labels: dict[str, str] = {}
    for spec in rule.labels:
        # A label may be listed twice (e.g. ifIndex as a value, else as an index): first wins.
        value = None if spec.label in labels else _varbind_label(spec, msg.varbinds)
        if value is not None:
            labels[spec.label] = value
    return labels


def trap_summary(msg: TrapMessage) -> str:
    """`v2c inform <trapOID> oid=value, ...`, without the community, truncated."""
    body = ", ".join(f"{oid}={value}" for oid, value in msg.varbinds
                     if oid not in (SNMP_TRAP_OID, SNMP_TRAP_COMMUNITY))
    return truncate(f"v{msg.version} {msg.kind} {msg.trap_oid or '?'} {body}".rstrip())


def trap_event(catalog: EventCatalog, msg: TrapMessage, source: str,
               device: DeviceRef | None, received_at: datetime) -> DeviceEvent:
    """The event a trap or inform stands for."""
    msg = TrapMessage(msg.version, msg.kind, scrub(msg.varbinds))
    rule = catalog.trap_rule(msg.trap_oid)
    labels = _trap_labels(rule, msg)
    if rule is None:
        stable = [f"{oid}={value}" for oid, value in msg.varbinds if oid != SYS_UPTIME]
        return DeviceEvent(GENERIC_TRAP, UNKNOWN_TRAP_SEVERITY, "snmp_trap", source, received_at,
                           labels, device, raw=trap_summary(msg),
                           fingerprint=truncate(",".join(stable), 512))
    return DeviceEvent(rule.event_type, _severity(rule.severity, rule.severity_by, labels),
                       "snmp_trap", source, received_at, labels, device,
                       raw=trap_summary(msg), rule=rule.symbol)


def syslog_event(catalog: EventCatalog, msg: SyslogMessage, source: str,
                 device: DeviceRef | None, received_at: datetime) -> DeviceEvent:
    """The event a syslog line stands for: the first matching pattern, else generic."""
    for rule in catalog.syslog_rules(device.profile if device else None):
        found = rule.regex.search(msg.text)
        if found is None:
            continue
        labels = {**rule.labels,
                  **{k: v for k, v in found.groupdict().items() if v is not None}}
        return DeviceEvent(rule.event_type, _severity(rule.severity, rule.severity_by, labels),
                           "syslog", source, received_at, labels, device, msg.timestamp,
                           truncate(msg.line), rule=f"{rule.profile}.{rule.name}")
    level = from_syslog_level(msg.level) if msg.level is not None else Severity.INFO
    labels = {"app": msg.app} if msg.app else {}
    return DeviceEvent(GENERIC_SYSLOG, level, "syslog", source, received_at, labels, device,
                       msg.timestamp, truncate(msg.line), fingerprint=truncate(msg.text, 512))
