"""Access-Rejects FreeRADIUS decided itself, counted at the hub (docs/radius.md, "How
rejections are counted").

FreeRADIUS writes one record per Access-Reject it sends to a local spool
(policy.d/dotmac_rejections) and its reader replays the spool to `POST /radius/rejections`
(the rest module's JSON: `{"Dotmac-Reject-Reason": {"type": "string", "value": ["..."]}}`).
With the rest backend the hub's own refusals are counted at authorize time and never
spooled; what comes here is pap / chap refusals and FreeRADIUS-side ones (hub or database
unreachable, and with the sql backend every refusal of the materialized answer).

The reason becomes a label of `dotmac_radius_rejections_total`: only the bounded set
`REASONS` is used, anything else is `other`, so a flood of odd records cannot make new
series. A record that is not one this configuration writes is answered 422 (the reader
copies it aside and goes on) and counted in `dotmac_radius_rejection_records_refused_total`.
Log lines are budgeted per reason (`LogBudget`); the counter always counts.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

# The labels a rejection may carry: the hub's own authorize reasons (hub.access.authorize,
# the sql backend's policy writes the same names), the subscription states an answer
# refuses, and what only FreeRADIUS sees.
REASONS = frozenset({
    "malformed", "oversized_username", "unknown_nas", "unknown_user",  # the request
    "pending", "suspended", "terminated",  # the subscription (an answer's Auth-Type Reject)
    "wrong_password",  # pap / chap refused the password
    "unreachable",  # hub (rest) or PostgreSQL (sql) could not be asked
    "other",
})
REFUSED = "dotmac_radius_rejection_records_refused_total"
REFUSED_HELP = "Rejection records from FreeRADIUS the hub refused (not counted), by reason"
MAX_BODY_BYTES = 8 * 1024  # a record is three short attributes and a timestamp
MAX_USER_CHARS = 64  # FreeRADIUS writes at most 64 bytes of User-Name
_REASON = "Dotmac-Reject-Reason"
_USER = "Dotmac-Reject-User"


class RejectionRecordError(ValueError):
    """A body that is not a rejection record; `reason` labels the refusal."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class RejectionRecord:
    """One Access-Reject: its bounded reason label, the User-Name (at most 64 chars) and how
    many seconds before its delivery FreeRADIUS sent it (the reader's Acct-Delay-Time)."""

    reason: str
    user: str
    delay_s: int = 0


def _first_string(body: dict[str, object], name: str) -> str | None:
    """The first value of attribute `name` in the rest module's JSON, when a string."""
    entry = body.get(name)
    values = entry.get("value") if isinstance(entry, dict) else None
    if isinstance(values, list) and values and isinstance(values[0], str):
        return values[0]
    return None


def _delay_s(body: dict[str, object]) -> int:
    """Acct-Delay-Time, the seconds the record waited in the spool (0 when absent)."""
    entry = body.get("Acct-Delay-Time")
    values = entry.get("value") if isinstance(entry, dict) else None
    if isinstance(values, list) and values and type(values[0]) is int:
        return max(0, values[0])
    return 0


def parse_record(raw: bytes) -> RejectionRecord:
    """The record in a /radius/rejections body (RejectionRecordError when there is none)."""
    if len(raw) > MAX_BODY_BYTES:
        raise RejectionRecordError("oversized", f"body of {len(raw)} bytes")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise RejectionRecordError("malformed", "the body is not JSON") from exc
    if not isinstance(body, dict):
        raise RejectionRecordError("malformed", "the body is not a JSON object")
    reason = _first_string(body, _REASON)
    if reason is None:
        raise RejectionRecordError("malformed", f"no {_REASON}")
    user = _first_string(body, _USER) or ""
    return RejectionRecord(reason if reason in REASONS else "other", user[:MAX_USER_CHARS],
                           _delay_s(body))


@dataclass
class LogBudget:
    """At most `per_window` log lines per reason every `window_s` seconds (per process); the
    lines held back are told in the next line of that reason. Reasons are the bounded
    `REASONS`, so the table stays small."""

    per_window: int = 20
    window_s: float = 60.0
    _windows: dict[str, tuple[float, int, int]] = field(default_factory=dict)

    def take(self, reason: str, now: float | None = None) -> int | None:
        """None: do not log this one; else log it, saying how many were held back before."""
        now = time.monotonic() if now is None else now
        start, logged, held = self._windows.get(reason, (now, 0, 0))
        if now - start >= self.window_s:
            start, logged = now, 0
        if logged >= self.per_window:
            self._windows[reason] = (start, logged, held + 1)
            return None
        self._windows[reason] = (start, logged + 1, 0)
        return held
