"""Policy matching as a table: severity, site, type, rule, weekdays and time windows in the
policy's time zone (across midnight and across a daylight-saving change)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from hub.alarms.notify.policy import in_week, matches, severity_at_least

SITE, OTHER_SITE = uuid.uuid4(), uuid.uuid4()
MONDAY_0930 = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Policy:
    enabled: bool = True
    min_severity: str = "warning"
    site_ids: list[str] = field(default_factory=list)
    alarm_types: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    weekdays: list[int] = field(default_factory=list)
    time_from: str | None = None
    time_to: str | None = None
    timezone: str = "UTC"


@dataclass(frozen=True)
class Alarm:
    severity: str = "major"
    site_id: uuid.UUID | None = SITE
    alarm_type: str = "link_down"
    rule: str = "event.link"


@pytest.mark.parametrize(("severity", "minimum", "expected"), [
    ("critical", "major", True), ("major", "major", True), ("minor", "major", False),
    ("warning", "minor", False), ("info", "info", True), ("info", "warning", False),
    ("critical", "info", True), ("bogus", "info", False),
])
def test_severity_order(severity: str, minimum: str, expected: bool) -> None:
    assert severity_at_least(severity, minimum) is expected


CASES = [
    ("everything by default", Policy(), Alarm(), True),
    ("disabled", Policy(enabled=False), Alarm(), False),
    ("below minimum", Policy(min_severity="critical"), Alarm(severity="major"), False),
    ("at minimum", Policy(min_severity="major"), Alarm(severity="major"), True),
    ("site listed", Policy(site_ids=[str(SITE)]), Alarm(), True),
    ("other site", Policy(site_ids=[str(OTHER_SITE)]), Alarm(), False),
    ("site filter, alarm without site", Policy(site_ids=[str(SITE)]), Alarm(site_id=None),
     False),
    ("type listed", Policy(alarm_types=["link_down", "bgp_down"]), Alarm(), True),
    ("type not listed", Policy(alarm_types=["bgp_down"]), Alarm(), False),
    ("rule listed", Policy(rules=["event.link"]), Alarm(), True),
    ("rule not listed", Policy(rules=["device.cpu"]), Alarm(), False),
    ("all filters together", Policy(min_severity="minor", site_ids=[str(SITE)],
                                    alarm_types=["link_down"], rules=["event.link"],
                                    weekdays=[0], time_from="09:00", time_to="17:00"),
     Alarm(), True),
    ("one filter of several fails", Policy(site_ids=[str(SITE)], alarm_types=["fan"]),
     Alarm(), False),
    ("weekday listed (Monday=0)", Policy(weekdays=[0, 1, 2, 3, 4]), Alarm(), True),
    ("weekend only", Policy(weekdays=[5, 6]), Alarm(), False),
    ("inside office hours", Policy(time_from="08:00", time_to="18:00"), Alarm(), True),
    ("before office hours", Policy(time_from="10:00", time_to="18:00"), Alarm(), False),
    ("end excluded", Policy(time_from="08:00", time_to="09:30"), Alarm(), False),
    ("start included", Policy(time_from="09:30", time_to="10:00"), Alarm(), True),
    # 09:30 UTC is 04:30 in New York (EST): outside 08:00-18:00 there
    ("window read in the policy's zone", Policy(time_from="08:00", time_to="18:00",
                                                timezone="America/New_York"), Alarm(), False),
    # 09:30 UTC is 18:30 in Tokyo: inside a night shift 18:00-06:00 there
    ("night shift in the policy's zone", Policy(time_from="18:00", time_to="06:00",
                                                timezone="Asia/Tokyo"), Alarm(), True),
    ("unknown zone falls back to UTC", Policy(time_from="09:00", time_to="10:00",
                                              timezone="Mars/Olympus"), Alarm(), True),
]


@pytest.mark.parametrize(("policy", "alarm", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matching_matrix(policy: Policy, alarm: Alarm, expected: bool) -> None:
    assert matches(policy, alarm, MONDAY_0930) is expected


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the week of Monday 2026-12-07 (day 0) in UTC."""
    return datetime(2026, 12, 7 + day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("moment", "expected"), [
    (local(4, 21, 59), False),  # Friday before the shift
    (local(4, 22, 0), True),    # Friday 22:00 starts it
    (local(4, 23, 59), True),
    (local(5, 0, 0), True),     # Saturday after midnight: Friday's shift goes on
    (local(5, 5, 59), True),
    (local(5, 6, 0), False),    # the end is excluded
    (local(5, 22, 30), False),  # Saturday evening: Saturday is not a shift day
    (local(0, 3, 0), False),    # Monday 03:00 belongs to Sunday's (absent) shift
    (local(3, 23, 0), False),   # Thursday evening
])
def test_window_across_midnight_belongs_to_the_day_it_started(moment: datetime,
                                                              expected: bool) -> None:
    assert in_week([4], "22:00", "06:00", moment) is expected


def test_open_ended_and_all_day_windows() -> None:
    assert in_week([], "18:00", None, local(0, 23, 59))  # 18:00 until midnight
    assert not in_week([], "18:00", None, local(0, 17, 59))
    assert in_week([], None, "06:00", local(0, 5, 0))  # midnight until 06:00
    assert not in_week([], None, "06:00", local(0, 6, 0))
    assert in_week([2], "00:00", "00:00", local(2, 13, 0))  # equal ends: all of Wednesday
    assert not in_week([2], "00:00", "00:00", local(3, 13, 0))


def test_daylight_saving_change_keeps_local_office_hours() -> None:
    """08:00-18:00 Europe/Berlin is 07:00 UTC in winter and 06:00 UTC in summer."""
    office = Policy(time_from="08:00", time_to="18:00", timezone="Europe/Berlin")
    winter, summer = datetime(2026, 1, 12, 6, 30, tzinfo=UTC), datetime(2026, 7, 13, 6, 30,
                                                                        tzinfo=UTC)
    assert not matches(office, Alarm(), winter)  # 07:30 in Berlin
    assert matches(office, Alarm(), summer)  # 08:30 in Berlin
    assert matches(replace(office, timezone="UTC"), Alarm(), winter) is False
