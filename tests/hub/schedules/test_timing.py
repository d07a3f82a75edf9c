"""Due times: cron read in the schedule's time zone, kept in UTC, once per local day across
daylight-saving changes; billing days past a month's end fall on its last day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub.schedules.timing import (
    ScheduleError,
    billing_day_in,
    billing_day_reached,
    check_cron,
    due_between,
    is_billing_day,
    local_date,
    next_due,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_daily_time_in_a_time_zone_is_kept_in_utc() -> None:
    # 02:00 in Berlin is 01:00 UTC in winter, 00:00 UTC in summer
    assert next_due("0 2 * * *", "Europe/Berlin", utc(2026, 1, 10, 12)) == utc(2026, 1, 11, 1)
    assert next_due("0 2 * * *", "Europe/Berlin", utc(2026, 7, 10, 12)) == utc(2026, 7, 11, 0)
    assert next_due("0 2 1 * *", "America/New_York", utc(2026, 3, 15)) == utc(2026, 4, 1, 6)


def test_spring_forward_runs_once_after_the_gap() -> None:
    # 29 March 2026, Berlin: 02:00 -> 03:00; 02:30 does not exist that day
    days = due_between("30 2 * * *", "Europe/Berlin", utc(2026, 3, 28, 1, 30),
                       utc(2026, 3, 30, 12), limit=10)[0]
    assert days == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)]
    assert [local_date(d, "Europe/Berlin") for d in days] == [
        date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]


def test_fall_back_runs_a_repeated_wall_time_once() -> None:
    # 25 October 2026, Berlin: 03:00 -> 02:00; 02:30 happens twice, the job runs once
    days, following = due_between("30 2 * * *", "Europe/Berlin", utc(2026, 10, 24, 0, 30),
                                  utc(2026, 10, 26, 12), limit=10)
    assert days == [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30),
                    utc(2026, 10, 26, 1, 30)]
    assert following == utc(2026, 10, 27, 1, 30)
    # and from inside the repeated hour, the next one is the next day's
    assert next_due("30 2 * * *", "Europe/Berlin", utc(2026, 10, 25, 0, 45)) == \
        utc(2026, 10, 26, 1, 30)


def test_catch_up_keeps_the_newest_due_times_within_the_limit() -> None:
    days, following = due_between("0 2 * * *", "UTC", utc(2026, 5, 1, 2), utc(2026, 5, 4, 3),
                                  limit=2)
    assert days == [utc(2026, 5, 3, 2), utc(2026, 5, 4, 2)]
    assert following == utc(2026, 5, 5, 2)
    assert due_between("0 2 * * *", "UTC", utc(2026, 5, 5, 2), utc(2026, 5, 4, 3), 5)[0] == []


@pytest.mark.parametrize(("day", "year", "month", "falls_on"), [
    (31, 2026, 2, 28), (31, 2028, 2, 29), (30, 2026, 2, 28), (31, 2026, 4, 30),
    (31, 2026, 1, 31), (15, 2026, 2, 15), (1, 2026, 2, 1)])
def test_a_billing_day_past_the_month_end_falls_on_its_last_day(
        day: int, year: int, month: int, falls_on: int) -> None:
    assert billing_day_in(day, year, month) == falls_on
    assert is_billing_day(day, date(year, month, falls_on))


def test_a_billing_day_is_reached_on_it_and_after_it_in_the_month() -> None:
    assert not billing_day_reached(15, date(2026, 3, 14))
    assert billing_day_reached(15, date(2026, 3, 15))
    assert billing_day_reached(15, date(2026, 3, 31))
    assert billing_day_reached(31, date(2026, 2, 28))
    assert not billing_day_reached(31, date(2026, 3, 30))


def test_billing_day_31_is_each_month_once() -> None:
    days = [date(2026, m, d) for m in range(1, 13) for d in range(1, 32)
            if d <= billing_day_in(31, 2026, m) and is_billing_day(31, date(2026, m, d))]
    assert [(d.month, d.day) for d in days] == [
        (1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30),
        (10, 31), (11, 30), (12, 31)]


@pytest.mark.parametrize(("cron", "reason"), [
    ("0 2 * *", "needs 5 fields"), ("0 2 * * * *", "needs 5 fields"),
    ("61 2 * * *", "out of range"), ("0 2 * * funday", "cron"),
    ("0 0 30 2 *", "never due"), ("0 0 31 4 *", "never due")])
def test_bad_cron_is_refused_with_the_reason(cron: str, reason: str) -> None:
    with pytest.raises(ScheduleError, match=reason):
        check_cron(cron)


@pytest.mark.parametrize("name", ["Mars/Olympus", "Europe", "../etc/passwd", "", "UTC ",
                                  "europe/berlin"])
def test_bad_time_zone_is_refused(name: str) -> None:
    with pytest.raises(ScheduleError, match="not an IANA time zone"):
        next_due("0 2 * * *", name, utc(2026, 1, 1))
