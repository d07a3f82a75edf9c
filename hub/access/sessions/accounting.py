"""Reading one Accounting-Request as FreeRADIUS's rest module posts it (pure, no I/O).

The rest module's default JSON body holds every attribute of the request as
`{"Attr-Name": {"type": "integer", "value": [42]}}`; enumerated integers arrive by name
(`"Acct-Status-Type": {"value": ["Interim-Update"]}`), dates as text or epoch seconds.
Anything the hub cannot read exactly is refused with a reason (counted by the route): an
accounting record that is half understood would bill the wrong bytes.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

GIGAWORD = 1 << 32
# 64-bit totals are stored in signed BIGINT columns; no real session gets near 2**63 octets.
MAX_COUNTER = (1 << 63) - 1
MAX_32 = (1 << 32) - 1
MAX_ATTRIBUTE_BYTES = 253  # RFC 2865 5: an attribute value holds at most 253 octets
MAX_SESSION_ID = 128
_STATUS = {"start": "start", "1": "start", "stop": "stop", "2": "stop",
           "interim-update": "interim", "alive": "interim", "3": "interim",
           "accounting-on": "on", "7": "on", "accounting-off": "off", "8": "off"}
_DATE_FORMATS = ("%b %d %Y %H:%M:%S %Z", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z")


class AccountingRefusedError(ValueError):
    """The request cannot be used; `reason` is the metric label, the message says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Counters:
    """64-bit octet totals and packet counts of a session so far."""

    input_octets: int
    output_octets: int
    input_packets: int
    output_packets: int


@dataclass(frozen=True)
class AccountingRecord:
    """What one Accounting-Request says, validated."""

    status: str  # start | interim | stop | on | off
    nas_address: str
    event_time: datetime
    username: str | None = None
    acct_session_id: str | None = None
    framed_ip_address: str | None = None
    framed_ipv6_prefix: str | None = None
    delegated_ipv6_prefix: str | None = None
    calling_station_id: str | None = None
    nas_port_id: str | None = None
    session_time_s: int | None = None
    terminate_cause: str | None = None
    interim_interval_s: int | None = None
    counters: Counters | None = None


def _values(body: dict[str, Any], name: str) -> list[Any]:
    entry = body.get(name)
    if entry is None:
        return []
    value = entry.get("value") if isinstance(entry, dict) else entry
    values = value if isinstance(value, list) else [value]
    if not values:
        return []
    return values


def _text(body: dict[str, Any], name: str, limit: int = MAX_ATTRIBUTE_BYTES) -> str | None:
    values = _values(body, name)
    if not values:
        return None
    value = values[0]
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise AccountingRefusedError("malformed", f"{name}: not text")
    text = str(value)
    if len(text.encode()) > limit:
        raise AccountingRefusedError("oversized", f"{name}: longer than {limit} bytes")
    return text


def _number(body: dict[str, Any], name: str, maximum: int = MAX_32) -> int | None:
    values = _values(body, name)
    if not values:
        return None
    value = values[0]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise AccountingRefusedError("bad_number", f"{name}: {value!r} is not a number")
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        raise AccountingRefusedError("bad_number", f"{name}: {text[:40]!r} is not a whole number")
    number = int(text)
    if number > maximum:
        raise AccountingRefusedError("oversized", f"{name}: {number} is larger than {maximum}")
    return number


def _counter(body: dict[str, Any], octets: str, gigawords: str) -> int:
    """A 64-bit octet total: Gigawords (times 2**32) plus the 32-bit counter."""
    return (_number(body, gigawords) or 0) * GIGAWORD + (_number(body, octets) or 0)


def _counters(body: dict[str, Any]) -> Counters | None:
    names = ("Acct-Input-Octets", "Acct-Output-Octets", "Acct-Input-Packets",
             "Acct-Output-Packets", "Acct-Input-Gigawords", "Acct-Output-Gigawords")
    if not any(name in body for name in names):
        return None
    found = Counters(_counter(body, "Acct-Input-Octets", "Acct-Input-Gigawords"),
                     _counter(body, "Acct-Output-Octets", "Acct-Output-Gigawords"),
                     _number(body, "Acct-Input-Packets") or 0,
                     _number(body, "Acct-Output-Packets") or 0)
    if max(found.input_octets, found.output_octets) > MAX_COUNTER:
        raise AccountingRefusedError("oversized", "octet counters above 2**63")
    return found


def _address(body: dict[str, Any], name: str, network: bool = False) -> str | None:
    text = _text(body, name, 64)
    if text is None:
        return None
    try:
        return (str(ipaddress.ip_network(text, strict=False)) if network
                else ipaddress.ip_address(text).compressed)
    except ValueError as exc:
        raise AccountingRefusedError("malformed",
                                     f"{name}: {text[:64]!r} is not an address") from exc


def _date(body: dict[str, Any], name: str) -> datetime | None:
    values = _values(body, name)
    if not values:
        return None
    value = values[0]
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(min(max(value, 0), MAX_32), UTC)
    text = str(value).strip()
    if text.isdigit():
        return datetime.fromtimestamp(min(int(text), MAX_32), UTC)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(" ".join(text.split()), fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    raise AccountingRefusedError("malformed", f"{name}: {text[:40]!r} is not a date")


def event_time(body: dict[str, Any], now: datetime) -> datetime:
    """When the NAS saw the event: Event-Timestamp, else now less Acct-Delay-Time. A time in
    the future (a NAS clock ahead) is taken as now."""
    stamp = _date(body, "Event-Timestamp")
    if stamp is None:
        stamp = now - timedelta(seconds=_number(body, "Acct-Delay-Time") or 0)
    return min(stamp, now)


def status_of(body: dict[str, Any]) -> str:
    """start | interim | stop | on | off."""
    text = _text(body, "Acct-Status-Type", 32)
    if text is None:
        raise AccountingRefusedError("missing_attribute", "Acct-Status-Type: missing")
    status = _STATUS.get(text.strip().lower())
    if status is None:
        raise AccountingRefusedError("unknown_status", f"Acct-Status-Type: {text!r} not handled")
    return status


def parse(body: object, nas: str, now: datetime) -> AccountingRecord:
    """The validated record of one rest-module accounting body from the NAS at `nas` (the
    packet's source address FreeRADIUS vouches for, never an attribute the NAS wrote)."""
    if not isinstance(body, dict):
        raise AccountingRefusedError("malformed", "the body is not a JSON object of attributes")
    if not nas:
        raise AccountingRefusedError("unknown_nas", "no NAS address from FreeRADIUS (header "
                                "X-Dotmac-Radius-Nas); check the dotmac_hub_headers policy")
    status = status_of(body)
    when = event_time(body, now)
    if status in ("on", "off"):
        return AccountingRecord(status, nas, when)
    session_id = _text(body, "Acct-Session-Id", MAX_SESSION_ID)
    username = _text(body, "User-Name")
    if not session_id or username is None:
        raise AccountingRefusedError("missing_attribute", "Acct-Session-Id and User-Name are "
                                "required in Start, Interim-Update and Stop")
    return AccountingRecord(
        status, nas, when, username=username, acct_session_id=session_id,
        framed_ip_address=_address(body, "Framed-IP-Address"),
        framed_ipv6_prefix=_address(body, "Framed-IPv6-Prefix", network=True),
        delegated_ipv6_prefix=_address(body, "Delegated-IPv6-Prefix", network=True),
        calling_station_id=_text(body, "Calling-Station-Id", 64),
        nas_port_id=_text(body, "NAS-Port-Id", 128),
        session_time_s=_number(body, "Acct-Session-Time"),
        terminate_cause=_text(body, "Acct-Terminate-Cause", 40),
        interim_interval_s=_number(body, "Acct-Interim-Interval", 86400),
        counters=_counters(body))
