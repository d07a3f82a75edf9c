"""Which notification policies an alarm matches: a pure function of the policy, the alarm and
the moment, so it is tested without a database.

A policy matches when every filter it sets holds (an empty list means "any"):
severity at least `min_severity` (critical > major > minor > warning > info), the alarm's
site in `site_ids`, its type in `alarm_types`, its rule in `rules`, and the moment inside the
policy's week: `weekdays` (0 = Monday .. 6 = Sunday) and the daily window `time_from` ..
`time_to` ("HH:MM", end excluded) read in the policy's IANA `timezone`. A window whose end
is before its start crosses midnight ("22:00".."06:00"); its hours after midnight belong to
the day it started on, so "Friday 22:00-06:00" covers Saturday 03:00 and not Monday 03:00.
A missing start is 00:00, a missing end is midnight; equal start and end mean all day.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger("dotmac.hub.alarms.notify")

SEVERITIES = ("info", "warning", "minor", "major", "critical")
RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


class PolicyTerms(Protocol):
    """What matching reads of a policy (the `notification_policies` row)."""

    @property
    def enabled(self) -> bool: ...

    @property
    def min_severity(self) -> str: ...

    @property
    def site_ids(self) -> Sequence[str]: ...

    @property
    def alarm_types(self) -> Sequence[str]: ...

    @property
    def rules(self) -> Sequence[str]: ...

    @property
    def weekdays(self) -> Sequence[int]: ...

    @property
    def time_from(self) -> str | None: ...

    @property
    def time_to(self) -> str | None: ...

    @property
    def timezone(self) -> str: ...


class AlarmFacts(Protocol):
    """What matching reads of an alarm (the `alarms` row)."""

    @property
    def severity(self) -> str: ...

    @property
    def site_id(self) -> uuid.UUID | None: ...

    @property
    def alarm_type(self) -> str: ...

    @property
    def rule(self) -> str: ...


def severity_at_least(severity: str, minimum: str) -> bool:
    """True when `severity` ranks at or above `minimum`; an unknown name ranks lowest."""
    return RANK.get(severity, -1) >= RANK.get(minimum, 0)


def policy_zone(name: str) -> ZoneInfo:
    """The policy's time zone; an unknown name (the API refuses those) falls back to UTC
    rather than dropping every notification of the policy."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("alarms.notify.bad_timezone timezone=%r using=UTC", name)
        return ZoneInfo("UTC")


def parse_hhmm(value: str | None, default: time) -> time:
    """ "HH:MM" as a time of day; None or empty gives `default`."""
    if not value:
        return default
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


def in_week(weekdays: Sequence[int], time_from: str | None, time_to: str | None,
            local: datetime) -> bool:
    """True when the local moment falls in the days and daily window (see the module)."""
    start = parse_hhmm(time_from, time(0, 0))
    end = parse_hhmm(time_to, time(0, 0))
    now = local.time().replace(tzinfo=None)
    day = local.weekday()
    if start == end:
        inside = True
    elif start < end:
        inside = start <= now < end
    elif now >= start:
        inside = True
    else:  # after midnight: the part of the window that started the day before
        inside = now < end
        day = (local - timedelta(days=1)).weekday()
    return inside and (not weekdays or day in weekdays)


def _listed(value: object, allowed: Sequence[str]) -> bool:
    return not allowed or (value is not None and str(value) in {str(a) for a in allowed})


def matches(policy: PolicyTerms, alarm: AlarmFacts, at: datetime) -> bool:
    """True when the enabled `policy` wants to hear about `alarm` at the moment `at`."""
    if not policy.enabled or not severity_at_least(alarm.severity, policy.min_severity):
        return False
    if not (_listed(alarm.site_id, policy.site_ids) and _listed(alarm.alarm_type,
                                                                policy.alarm_types)):
        return False
    if not _listed(alarm.rule, policy.rules):
        return False
    local = at.astimezone(policy_zone(policy.timezone))
    return in_week(policy.weekdays, policy.time_from, policy.time_to, local)
