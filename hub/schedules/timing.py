"""When schedules are due: cron expressions read in the schedule's IANA time zone (croniter),
due times kept in UTC. Pure functions, no database.

Two rules around daylight-saving changes, so a daily job runs once per local day:
- a wall-clock time skipped when the clocks go forward (02:30 on the spring change in Europe)
  is due at the first minute after the gap (03:00 local);
- a wall-clock time that happens twice when the clocks go back is due once, the first time.

Billing days: a billing day past the end of a month (31 in February) falls on the month's
last day, so every customer is invoiced every month; from its billing day on, a customer not
yet invoiced for the period is due.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from croniter import croniter
from croniter.croniter import CroniterError

CRON_FIELDS = 5  # minute hour day-of-month month day-of-week (no seconds, no year)
NEVER_BEFORE = datetime(2000, 1, 1, tzinfo=UTC)  # a cron due once from here is due again


class ScheduleError(ValueError):
    """A cron expression or time zone that cannot be used, with the reason."""


def check_cron(cron: str) -> str:
    """`cron`, stripped, if it is a valid five-field expression; ScheduleError otherwise."""
    text = " ".join(cron.split())
    if len(text.split(" ")) != CRON_FIELDS:
        raise ScheduleError(f"cron {cron!r}: needs 5 fields (minute hour day-of-month month "
                            "day-of-week), e.g. '0 2 * * *' for 02:00 every day")
    try:
        croniter(text)
    except (CroniterError, ValueError, KeyError) as exc:
        raise ScheduleError(f"cron {cron!r}: {exc}") from None
    try:  # 30 February, 31 April: valid fields, never due
        croniter(text, NEVER_BEFORE).get_next(datetime)
    except (CroniterError, ValueError) as exc:
        raise ScheduleError(f"cron {cron!r}: never due ({exc}); check day-of-month against "
                            "the month") from None
    return text


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (Europe/Berlin, America/New_York, UTC); ScheduleError
    otherwise."""
    try:
        if name in _known_zones():
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise ScheduleError(f"timezone {name!r}: not an IANA time zone name; use e.g. "
                        "'Europe/Berlin' or 'UTC'")


@functools.cache
def _known_zones() -> frozenset[str]:
    """The IANA zone names of the tz database (a directory such as `Europe` is none)."""
    return frozenset(available_timezones())


def _local_times(cron: str, tz: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Local due times strictly after `after` (aware), repeated wall-clock times once."""
    start = after.astimezone(tz)
    it = croniter(cron, start)
    previous = start.replace(tzinfo=None)
    while True:
        local: datetime = it.get_next(datetime)
        wall = local.replace(tzinfo=None)
        if wall <= previous:
            continue  # the second pass of a wall-clock time when the clocks went back
        previous = wall
        yield local


def next_due(cron: str, timezone: str, after: datetime) -> datetime:
    """The first due time strictly after `after`, in UTC."""
    return next(_local_times(check_cron(cron), zone(timezone), after)).astimezone(UTC)


def due_between(cron: str, timezone: str, first: datetime, now: datetime,
                limit: int) -> tuple[list[datetime], datetime]:
    """Due times from `first` (a due time itself, included) up to `now`, and the next due
    time after them. At most `limit` are returned: the newest ones (older ones are skipped).
    """
    tz, cron = zone(timezone), check_cron(cron)
    found: list[datetime] = []
    at = first
    times = _local_times(cron, tz, first)
    while at <= now:
        found.append(at)
        if len(found) > limit:
            found.pop(0)
        at = next(times).astimezone(UTC)
    return found, at


def local_date(at: datetime, timezone: str) -> date:
    """The calendar date of the UTC time `at` in `timezone`."""
    return at.astimezone(zone(timezone)).date()


def billing_day_in(day: int, year: int, month: int) -> int:
    """The day of `month` a billing day falls on: itself, or the month's last day when
    the month is shorter (31 -> 28 or 29 in February, 30 in April)."""
    return min(day, calendar.monthrange(year, month)[1])


def is_billing_day(day: int, on: date) -> bool:
    """Whether `on` is the local day a customer with billing day `day` is invoiced."""
    return on.day == billing_day_in(day, on.year, on.month)


def billing_day_reached(day: int, on: date) -> bool:
    """Whether a customer with billing day `day` is due for invoicing on `on`: its billing
    day of the month has come (so a day the scheduler missed, or a subscription that started
    after it, is invoiced by the next daily run instead of never)."""
    return on.day >= billing_day_in(day, on.year, on.month)
