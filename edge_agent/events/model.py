"""What the agent hands on when a device reports something by itself (trap, inform, syslog).

Severities follow ITU-T X.733 alarm levels (critical, major, minor, warning) plus `info`,
because the hub turns these into alarms and a NOC ranks alarms that way; syslog's eight
levels map onto them with `from_syslog_level`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal

# Raw summaries are evidence for a person reading the alarm, not a log archive.
MAX_RAW_CHARS = 1024

Origin = Literal["snmp_trap", "syslog"]


class Severity(StrEnum):
    """X.733-style level of an event, most severe first."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"
    INFO = "info"


# RFC 5424 severity numbers 0 (emergency) .. 7 (debug).
_SYSLOG_LEVELS = (Severity.CRITICAL, Severity.CRITICAL, Severity.CRITICAL, Severity.MAJOR,
                  Severity.WARNING, Severity.INFO, Severity.INFO, Severity.INFO)


def from_syslog_level(level: int) -> Severity:
    """The event severity of a syslog severity number (0 emergency .. 7 debug)."""
    return _SYSLOG_LEVELS[min(max(level, 0), 7)]


@dataclass(frozen=True)
class DeviceRef:
    """The polled device a source address belongs to."""

    device_id: str
    name: str
    profile: str | None = None


@dataclass(frozen=True)
class DeviceEvent:
    """One thing a device said about itself, mapped to the event vocabulary.

    `device` is None when the source address is not one of ours (counted, still kept).
    `device_time` is the device's own clock when the message carries one (syslog);
    `received_at` is the agent's clock. `count` > 1 when identical events were folded.
    `raw` is a truncated, secret-free summary: the trap OID and varbinds, or the syslog line.
    """

    event_type: str
    severity: Severity
    origin: Origin
    source: str
    received_at: datetime
    labels: dict[str, str] = field(default_factory=dict)
    device: DeviceRef | None = None
    device_time: datetime | None = None
    raw: str = ""
    count: int = 1
    last_received_at: datetime | None = None
    rule: str | None = None
    # Generic events have almost no labels: their message text (minus clocks) tells them apart.
    fingerprint: str = ""

    def fold_key(self) -> tuple[str, str, tuple[tuple[str, str], ...], str]:
        """What makes two events "the same": device (else source), type, labels."""
        who = self.device.device_id if self.device else f"addr:{self.source}"
        return who, self.event_type, tuple(sorted(self.labels.items())), self.fingerprint

    def as_record(self) -> dict[str, object]:
        """JSON-ready fields (times as ISO 8601) for the queue; the fingerprint stays here."""
        return {
            "event_type": self.event_type, "severity": self.severity.value,
            "origin": self.origin, "source": self.source,
            "device_id": self.device.device_id if self.device else None,
            "device_name": self.device.name if self.device else None,
            "labels": dict(self.labels), "raw": self.raw, "rule": self.rule,
            "count": self.count, "received_at": self.received_at.isoformat(),
            "device_time": self.device_time.isoformat() if self.device_time else None,
            "last_received_at": (self.last_received_at.isoformat()
                                 if self.last_received_at else None),
        }

    def folded(self, count: int, last: datetime) -> DeviceEvent:
        """This event standing for `count` identical ones, the last seen at `last`."""
        return replace(self, count=count, last_received_at=last if count > 1 else None)


def truncate(text: str, limit: int = MAX_RAW_CHARS) -> str:
    """`text` cut to `limit` characters, marked when cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Where receivers hand events (StormControl.offer, a queue's put_nowait...); result ignored.
EventSink = Callable[[DeviceEvent], object]
