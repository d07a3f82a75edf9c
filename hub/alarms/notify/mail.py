"""The text of alarm e-mail: pure functions of the alarm as it is when the mail is sent.

Subject: `[MAJOR] RAISED sw1 Gi0/1: link down`. The body repeats it, then the facts a NOC
engineer acts on: summary, site, the alarm's original times (device time when known) in UTC
and in the policy's time zone, how many customers it touches, and the link to the alarm in
the API. A clear says how long the alarm lasted (from the raise of its current cycle).
Never a secret: alarms hold none, and the mail is built from the alarm only.

The Subject folds at spaces (RFC 5322), non-ASCII runs as RFC 2047 encoded words, and never
right after `Subject:`: the standard library's folder (CPython 3.11, under any policy) moves a
value that fits on a line by itself to the next line, which its own parser and others then
read with a leading space. `MAIL_POLICY` registers `SubjectHeader` for that.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy as email_policy
from email.headerregistry import BaseHeader, HeaderRegistry, UniqueUnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, ClassVar, Literal, Protocol
from zoneinfo import ZoneInfo

SUMMARY_IN_SUBJECT = 120
ENCODED = "=?utf-8?b?{}?="
SMALLEST_ENCODED = len(ENCODED.format("")) + 4  # one base64 quantum: one to three bytes


class AlarmText(Protocol):
    """What a mail reads of an alarm (the `alarms` row)."""

    id: uuid.UUID
    rule: str
    alarm_type: str
    severity: str
    state: str
    subject: str
    summary: str
    site_id: uuid.UUID | None
    first_raised_at: datetime
    last_raised_at: datetime
    raised_count: int
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    cleared_at: datetime | None
    cleared_by: str | None
    flapping: bool
    impacts: Any


@dataclass(frozen=True)
class MailContext:
    """Where a mail goes and what it says beside the alarm itself."""

    kind: str  # raised | escalated | cleared | flapping
    sender: str
    recipient: str
    zone: ZoneInfo
    site_name: str | None
    link: str
    raised_at: datetime  # when the current cycle was raised (the raise this mail is about)
    escalate_after_min: int | None = None


def alarm_link(base_url: str, alarm_id: uuid.UUID) -> str:
    """The alarm in the API (`/alarms/<id>`), absolute when a base URL is configured."""
    return f"{base_url}/alarms/{alarm_id}"


def subject_line(kind: str, alarm: AlarmText) -> str:
    """`[MAJOR] RAISED sw1 Gi0/1: link down` (one line, summary cut)."""
    summary = " ".join(alarm.summary.split())
    if len(summary) > SUMMARY_IN_SUBJECT:
        summary = summary[:SUMMARY_IN_SUBJECT - 1] + "…"
    head = f"[{alarm.severity.upper()}] {kind.upper()} {' '.join(alarm.subject.split())}"
    return f"{head}: {summary}" if summary else head


def duration_text(delta: timedelta) -> str:
    """`2 h 5 min`, `12 min 3 s`, `40 s`."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")]
    shown = [f"{value} {unit}" for value, unit in parts if value][:2]
    return " ".join(shown) or "0 s"


def when(at: datetime | None, zone: ZoneInfo) -> str:
    """A time in UTC, with the policy's local time beside it when that is not UTC."""
    if at is None:
        return "-"
    utc = at.strftime("%Y-%m-%d %H:%M:%S UTC")
    if zone.key in ("UTC", "Etc/UTC"):
        return utc
    return f"{utc} ({at.astimezone(zone).strftime('%Y-%m-%d %H:%M %Z')}, {zone.key})"


def impacted_customers(impacts: Any) -> int:
    """Distinct customers in the alarm's impact list."""
    if not isinstance(impacts, list):
        return 0
    return len({str(i.get("customer_id")) for i in impacts if isinstance(i, dict)})


def _state_lines(ctx: MailContext, alarm: AlarmText) -> list[str]:
    zone = ctx.zone
    lines = [f"Raised at:  {when(ctx.raised_at, zone)}"]
    if alarm.raised_count > 1:
        lines.append(f"First:      {when(alarm.first_raised_at, zone)} "
                     f"(raised {alarm.raised_count} times)")
    if ctx.kind == "cleared" or alarm.cleared_at is not None:
        lasted = duration_text((alarm.cleared_at or ctx.raised_at) - ctx.raised_at)
        lines.append(f"Cleared at: {when(alarm.cleared_at, zone)} by {alarm.cleared_by or '-'}"
                     f"; lasted {lasted}")
    if alarm.acknowledged_at is not None:
        lines.append(f"Acknowledged at: {when(alarm.acknowledged_at, zone)} by "
                     f"{alarm.acknowledged_by or '-'}")
    return lines


def _headline(ctx: MailContext, alarm: AlarmText) -> str:
    if ctx.kind == "escalated":
        return (f"Not acknowledged {ctx.escalate_after_min} min after it was raised: "
                "escalated to you.")
    if ctx.kind == "flapping":
        return ("Flapping: raised and cleared again and again; no further mail for each "
                "transition until it is stable.")
    if ctx.kind == "cleared":
        return "Cleared."
    if alarm.state == "cleared":
        return "Raised (and since cleared: a clear follows if your policy asks for it)."
    return "Raised."


def body_text(ctx: MailContext, alarm: AlarmText) -> str:
    """The plain-text body."""
    site = ctx.site_name or (str(alarm.site_id) if alarm.site_id else "-")
    lines = [subject_line(ctx.kind, alarm), "", _headline(ctx, alarm), "",
             f"Alarm:      {alarm.subject}", f"Summary:    {alarm.summary}",
             f"Severity:   {alarm.severity}", f"State:      {alarm.state}",
             f"Type:       {alarm.alarm_type} (rule {alarm.rule})", f"Site:       {site}"]
    lines += _state_lines(ctx, alarm)
    lines += [f"Impacted customers: {impacted_customers(alarm.impacts)}", "",
              f"Open it: {ctx.link}", ""]
    return "\n".join(lines)


def _needs_encoding(word: str, utf8: bool) -> bool:
    """Non-ASCII (unless the message goes out as SMTPUTF8), a control character, or text a
    reader would take for an encoded word."""
    return (not utf8 and not word.isascii()) or "=?" in word or not word.isprintable()


def _runs(value: str, utf8: bool) -> list[tuple[str, bool]]:
    """The words of `value`, consecutive words needing encoding joined with their spaces
    (whitespace between two encoded words is not part of the text, RFC 2047 6.2)."""
    runs: list[tuple[str, bool]] = []
    for word in value.split():
        encode = _needs_encoding(word, utf8)
        if encode and runs and runs[-1][1]:
            runs[-1] = (f"{runs[-1][0]} {word}", True)
        else:
            runs.append((word, encode))
    return runs


def _encoded_piece(text: str, room: int) -> tuple[str, str]:
    """The longest start of `text` (at least one character) whose encoded word fits `room`,
    encoded; and the rest."""
    size = taken = 0
    for char in text:
        size += len(char.encode())
        if len(ENCODED.format("")) + 4 * -(-size // 3) > room and taken:
            break
        taken += 1
    piece = base64.b64encode(text[:taken].encode()).decode("ascii")
    return ENCODED.format(piece), text[taken:]


def fold_unstructured(name: str, value: str, max_len: int, linesep: str,
                      utf8: bool = False) -> str:
    """`Name: value` folded at spaces into lines of at most `max_len` where the words allow,
    the first word always on the first line; ends with `linesep`."""
    lines = [f"{name}:"]
    for text, encode in _runs(value, utf8):
        while encode and text:
            room = max_len - len(lines[-1]) - 1
            if room < SMALLEST_ENCODED and len(lines[-1]) > len(name) + 1:
                lines.append("")
                room = max_len - 1
            word, text = _encoded_piece(text, room)
            lines[-1] += f" {word}"
        if encode:
            continue
        if len(lines[-1]) + 1 + len(text) > max_len and len(lines[-1]) > len(name) + 1:
            lines.append("")
        lines[-1] += f" {text}"
    return linesep.join(lines) + linesep


class SubjectHeader(UniqueUnstructuredHeader, BaseHeader):
    """Subject, folded by `fold_unstructured` (see the module)."""

    max_count: ClassVar[Literal[1]] = 1

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        """Take the subject as written: text that looks like an RFC 2047 encoded word is
        text here (the stdlib would decode it), and goes out encoded so it reads back the
        same. (For composing mail; a received message is parsed with the stdlib policy.)"""
        super().parse(value, kwds)
        kwds["decoded"] = " ".join(str(value).split())

    def fold(self, *, policy: email_policy.Policy) -> str:
        """The header as the generator writes it (ASCII unless the policy is SMTPUTF8)."""
        max_len = policy.max_line_length or 998
        return fold_unstructured(self.name, str(self), max_len, policy.linesep,
                                 bool(getattr(policy, "utf8", False)))


def _mail_policy() -> email_policy.EmailPolicy[EmailMessage]:
    registry = HeaderRegistry()
    registry.map_to_type("subject", SubjectHeader)
    return email_policy.default.clone(header_factory=registry)


MAIL_POLICY = _mail_policy()


def compose(ctx: MailContext, alarm: AlarmText, now: datetime,
            notification_id: uuid.UUID) -> EmailMessage:
    """The message for one notification; its Message-ID is stable per notification, so a
    mail server that got it twice (answer lost, sent again) can tell."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject_line(ctx.kind, alarm)
    message["From"] = ctx.sender
    message["To"] = ctx.recipient
    message["Date"] = format_datetime(now)
    domain = ctx.sender.rpartition("@")[2].strip(" >") or "dotmac.invalid"
    message["Message-ID"] = f"<{notification_id}@{domain}>"
    message["X-Dotmac-Alarm-Id"] = str(alarm.id)
    message["X-Dotmac-Alarm-Kind"] = ctx.kind
    message.set_content(body_text(ctx, alarm))
    return message
