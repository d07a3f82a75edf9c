"""Syslog lines (RFC 5424, RFC 3164 and what network devices actually send) -> SyslogMessage.

Written here rather than taken from PyPI: the parsers there are unmaintained (last
releases 2019-2021) and cover one RFC each, while routers need both plus their quirks:
Cisco's sequence number and `*Mar  1 18:46:11.123:` clock before the message, NX-OS's
year-first stamp, Junos' RFC 5424 MSGID carrying the event name. Parsing never fails: a
line that fits no format keeps its full text and `format="unknown"`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Literal

from edge_agent.events.classify import SyslogMessage

_PRI = re.compile(r"<(\d{1,3})>")
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
# "Mar  1 18:46:11", "Mar 1 2024 18:46:11.123", "2024 Mar  1 18:46:11" (NX-OS), optional zone.
_BSD_TIME = re.compile(
    r"[*.]?(?:(?P<year1>\d{4}) )?(?P<mon>[A-Z][a-z]{2}) +(?P<day>\d{1,2})"
    r"(?: (?P<year2>\d{4}))? (?P<time>\d{2}:\d{2}:\d{2})(?P<frac>\.\d{1,6})?"
    r"(?: (?P<zone>[A-Z]{2,5}))?:? ")
_CISCO_SEQ = re.compile(r"\d{1,10}: ")
_TAG = re.compile(r"[\w./-]+(?:\[[^\]]*\])?:")


def _pri(line: str) -> tuple[int | None, int | None, str]:
    found = _PRI.match(line)
    if found is None or int(found.group(1)) > 191:
        return None, None, line
    pri = int(found.group(1))
    return pri >> 3, pri & 7, line[found.end():]


def _rfc3339(text: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _skip_sd(rest: str) -> str:
    """The text after the STRUCTURED-DATA field ("-" or [..][..], with \\] escapes)."""
    if rest.startswith("-"):
        return rest[1:]
    index, depth, escaped = 0, 0, False
    while index < len(rest):
        char = rest[index]
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            break
        index += 1
    return rest[index:]


def _nil(value: str) -> str | None:
    return None if value == "-" else value


def _rfc5424(line: str, body: str, facility: int | None, level: int | None) -> SyslogMessage:
    parts = body[2:].split(" ", 5)
    while len(parts) < 6:
        parts.append("-")
    stamp, host, app, procid, msgid, rest = parts
    message = _skip_sd(rest).lstrip(" ").removeprefix("\ufeff")
    tag = (app if app != "-" else "") + (f"[{procid}]" if procid != "-" else "")
    text = ": ".join(p for p in (tag, _nil(msgid) or "", message) if p)
    return SyslogMessage(line, text, "rfc5424", facility, level, _rfc3339(stamp), _nil(host),
                         _nil(app))


def _bsd_stamp(found: re.Match[str], now: datetime) -> datetime | None:
    year = found.group("year1") or found.group("year2")
    try:
        clock = datetime.strptime(found.group("time"), "%H:%M:%S").time()
        stamp = datetime(int(year) if year else now.year, _MONTHS[found.group("mon")],
                         int(found.group("day")), clock.hour, clock.minute, clock.second,
                         tzinfo=UTC)
    except (ValueError, KeyError):
        return None
    if found.group("frac"):
        stamp += timedelta(seconds=float(found.group("frac")))
    if not year and stamp - now > timedelta(days=1):
        # RFC 3164 has no year: a December line read in January belongs to last year.
        stamp = stamp.replace(year=stamp.year - 1)
    return stamp


def _host_and_rest(rest: str) -> tuple[str | None, str]:
    head, _, tail = rest.partition(" ")
    if not tail or head.endswith(":") or "[" in head or head.startswith("%"):
        return None, rest
    return head, tail


def _rfc3164(line: str, body: str, facility: int | None, level: int | None,
             now: datetime) -> SyslogMessage:
    stamp, host = None, None
    found = _BSD_TIME.match(body)
    if found is not None:
        stamp = _bsd_stamp(found, now)
        host, body = _host_and_rest(body[found.end():])
    seq = _CISCO_SEQ.match(body)
    if seq is not None:
        # Cisco: "123: *Mar  1 18:46:11.123: %LINK-3-UPDOWN: ..." (clock after the number)
        body = body[seq.end():]
        inner = _BSD_TIME.match(body)
        if inner is not None:
            stamp = stamp or _bsd_stamp(inner, now)
            body = body[inner.end():]
    tag = _TAG.match(body)
    app = tag.group(0).split("[")[0].rstrip(":") if tag else None
    kind: Literal["rfc3164", "unknown"] = "rfc3164" if (found or seq or tag) else "unknown"
    return SyslogMessage(line, body, kind, facility, level, stamp, host, app)


def parse_line(line: str, now: datetime) -> SyslogMessage:
    """One syslog message (framing already removed). Never raises."""
    line = line.rstrip("\r\n\x00")
    facility, level, body = _pri(line)
    if facility is not None and body.startswith("1 "):
        return _rfc5424(line, body, facility, level)
    message = _rfc3164(line, body, facility, level, now)
    if facility is None and message.format == "rfc3164":
        return message
    if facility is None:
        return SyslogMessage(line, line, "unknown")
    return message
