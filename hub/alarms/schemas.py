"""Alarm API bodies (`XCreate`, `XUpdate`, `XPublic`, `XsPublic`): alarms and their history,
rule overrides, maintenance windows, notification policies, device events, site scopes."""

from __future__ import annotations

import functools
import math
import re
import uuid
import zoneinfo
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from hub.identity.schemas import EMAIL_PATTERN
from hub.pagination import Page

Severity = Literal["critical", "major", "minor", "warning", "info"]
AlarmState = Literal["raised", "acknowledged", "cleared", "closed"]
EventOrigin = Literal["snmp_trap", "syslog"]
RULE_KEY = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
RuleKey = Annotated[str, Field(min_length=1, max_length=64, pattern=RULE_KEY,
                               examples=["event.link"])]
Email = Annotated[str, Field(max_length=254, pattern=EMAIL_PATTERN,
                             examples=["noc@fibernet.example"])]
AlarmType = Annotated[str, Field(min_length=1, max_length=64, examples=["link_down"])]


def aware(moment: datetime | None) -> datetime | None:
    """A query time as given, a time without a zone read as UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# Any zone in, stored and answered in UTC.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_in_utc)]


# ---- alarms -------------------------------------------------------------------------------

class ImpactPublic(BaseModel):
    """A subscription (and its customer) on the port or device an alarm is about."""

    model_config = ConfigDict(extra="ignore")
    subscription_id: uuid.UUID
    customer_id: uuid.UUID
    customer_name: str = Field(examples=["Acme Bakery"])
    port: str | int | None = Field(None, examples=["Gi0/1"])


class AlarmPublic(BaseModel):
    """An alarm: one condition of one thing (device, port, agent, hub) and its lifecycle.

    `*_by` name who did it: a user's e-mail, `api key <name>`, or `system`."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    rule: str = Field(examples=["event.link"])
    alarm_type: str = Field(examples=["link_down"])
    severity: Severity
    state: AlarmState
    origin: str = Field(examples=["event"], description="event, telemetry, agent or hub")
    subject: str = Field(examples=["sw1 Gi0/1"])
    summary: str = Field(examples=["Gi0/1 went down (linkDown trap)"])
    site_id: uuid.UUID | None
    agent_id: uuid.UUID | None
    device_id: uuid.UUID | None
    device_name: str | None = Field(examples=["sw1"])
    if_index: int | None = Field(examples=[10101])
    first_raised_at: datetime
    last_raised_at: datetime
    raised_count: int = Field(examples=[1])
    last_change_at: datetime
    flapping: bool
    acknowledged_at: datetime | None
    acknowledged_by: str | None = Field(examples=["noc@fibernet.example"])
    cleared_at: datetime | None
    cleared_by: str | None = Field(examples=["system"])
    closed_at: datetime | None
    closed_by: str | None
    shelved_until: datetime | None
    shelved_by: str | None
    in_maintenance: bool
    suppressed_by: uuid.UUID | None = Field(description="the root alarm (agent offline, device "
                                            "unreachable) this one is suppressed under")
    ticket_id: uuid.UUID | None
    impacts: list[ImpactPublic] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class AlarmsPublic(Page[AlarmPublic]):
    """A page of alarms, newest first."""


class HistoryEntryPublic(BaseModel):
    """One step of an alarm's life: what happened, who did it and when."""

    model_config = ConfigDict(from_attributes=True)
    at: datetime
    action: str = Field(examples=["acknowledged"])
    actor: str = Field(examples=["noc@fibernet.example"])
    actor_id: uuid.UUID | None
    text: str = Field(examples=["on it, truck rolling"])
    details: dict[str, Any] = Field(default_factory=dict)


class RootAlarmPublic(BaseModel):
    """The alarm another one is suppressed under (its cause)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    rule: str = Field(examples=["agent.offline"])
    severity: Severity
    state: AlarmState
    subject: str = Field(examples=["agent pop1-edge"])


class AlarmDetail(AlarmPublic):
    """An alarm with its details, its history (oldest first) and its root cause."""

    details: dict[str, Any] = Field(default_factory=dict)
    history: list[HistoryEntryPublic] = Field(default_factory=list)
    root: RootAlarmPublic | None = None


class AlarmNote(BaseModel):
    """An optional note recorded with an action (acknowledge, close...)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field("", max_length=4000, examples=["known: fibre cut, ETA 2 h"])


class CommentCreate(BaseModel):
    """A comment on an alarm, kept in its history."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000, examples=["customer called, confirmed"])


class ShelveRequest(BaseModel):
    """Silence an alarm until a time: it stays recorded, raises and clears notify nobody."""

    model_config = ConfigDict(extra="forbid")
    until: UtcDatetime = Field(examples=["2026-12-06T06:00:00Z"],
                                 description="when notifications resume (with a time zone)")
    text: str = Field("", max_length=4000, examples=["planned fibre work tonight"])


# ---- rules --------------------------------------------------------------------------------

class RuleOverridePublic(BaseModel):
    """What the tenant changed on a shipped rule."""

    model_config = ConfigDict(from_attributes=True)
    enabled: bool | None
    severity: Severity | None
    params: dict[str, Any]
    updated_by: str | None
    updated_at: datetime | None


class AlarmRulePublic(BaseModel):
    """A rule as it applies to this tenant: shipped defaults merged with the override."""

    key: str = Field(examples=["device.unreachable"])
    source: str = Field(examples=["telemetry"], description="event, telemetry, agent or hub")
    description: str
    enabled: bool
    severity: Severity | None = Field(description="null: the event's own severity")
    params: dict[str, Any] = Field(examples=[{"polls": 3}])
    defaults: dict[str, Any] = Field(description="the shipped enabled, severity and params",
                                     examples=[{"enabled": True, "severity": "major",
                                                "params": {"polls": 3}}])
    override: RuleOverridePublic | None = None


class AlarmRulesPublic(BaseModel):
    """Every rule, in key order."""

    data: list[AlarmRulePublic]


class AlarmRuleOverride(BaseModel):
    """A tenant's change to a rule; null fields keep the shipped value. `params` names only
    the parameters to change, each one the rule has, with a value of the shipped type."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"enabled": True, "severity": "critical", "params": {"polls": 5}}]})
    enabled: bool | None = None
    severity: Severity | None = None
    params: dict[str, Any] = Field(default_factory=dict, max_length=32)


# ---- maintenance windows ------------------------------------------------------------------

class MaintenanceWindowBase(BaseModel):
    """When a site or device is worked on; its alarms are recorded and marked, not notified."""

    model_config = ConfigDict(extra="forbid")
    starts_at: UtcDatetime = Field(examples=["2026-12-06T01:00:00Z"])
    ends_at: UtcDatetime = Field(examples=["2026-12-06T04:00:00Z"])
    reason: str = Field("", max_length=500, examples=["core switch firmware upgrade"])

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at: must be after starts_at")
        return self


class MaintenanceWindowCreate(MaintenanceWindowBase):
    """A new window for exactly one site or one device."""

    site_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.site_id is None) == (self.device_id is None):
            raise ValueError("site_id, device_id: set exactly one (a window covers one site "
                             "or one device)")
        return self


class MaintenanceWindowUpdate(MaintenanceWindowBase):
    """New times and reason of a window (its site or device stays)."""


class MaintenanceWindowPublic(BaseModel):
    """A maintenance window."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    site_id: uuid.UUID | None
    device_id: uuid.UUID | None
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str | None
    created_at: datetime


class MaintenanceWindowsPublic(Page[MaintenanceWindowPublic]):
    """A page of maintenance windows."""


# ---- notification policies ----------------------------------------------------------------

@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _known_zone(name: str) -> str:
    if name not in _zones():
        raise ValueError(f"timezone {name!r}: not an IANA time zone; use a name such as "
                         f"UTC or Europe/Berlin")
    return name


def _unique(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise ValueError("list holds a value twice; name each one once")
    return values


Weekday = Annotated[int, Field(ge=0, le=6)]
TimeOfDay = Annotated[str, Field(pattern=HHMM, examples=["08:00"])]


class NotificationPolicyFields(BaseModel):
    """Who is told about which alarms, when. Empty lists mean "all"."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, examples=["night shift"])
    enabled: bool = True
    min_severity: Severity = Field("warning", description="this level and the more severe "
                                   "ones")
    site_ids: Annotated[list[uuid.UUID], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=500)
    alarm_types: Annotated[list[AlarmType], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=100, examples=[["link_down", "device_unreachable"]])
    rules: Annotated[list[RuleKey], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=100)
    weekdays: Annotated[list[Weekday], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=7, description="0 = Monday ... 6 = Sunday; [] every "
        "day", examples=[[0, 1, 2, 3, 4]])
    time_from: TimeOfDay | None = Field(None, description="start of the daily window (HH:MM "
                                        "in `timezone`; null: 00:00); a window may cross "
                                        "midnight")
    time_to: TimeOfDay | None = Field(None, examples=["18:00"], description="end of the daily "
                                      "window, excluded (null: midnight)")
    timezone: Annotated[str, AfterValidator(_known_zone)] = Field(
        "UTC", max_length=64, examples=["Europe/Berlin"])
    webhook: bool = Field(True, description="send alarm.* events to the tenant's webhooks")
    emails: Annotated[list[Email], AfterValidator(_unique)] = Field(default_factory=list,
                                                                    max_length=50)
    escalate_after_min: int | None = Field(None, ge=1, le=10_080, description="escalate an "
                                           "alarm not acknowledged after this many minutes")
    escalate_emails: Annotated[list[Email], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=50)
    notify_clear: bool = Field(True, description="also tell when the alarm clears")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.time_from is not None and self.time_from == self.time_to:
            raise ValueError("time_from, time_to: the same time; drop both for all day")
        if self.escalate_emails and self.escalate_after_min is None:
            raise ValueError("escalate_emails: set escalate_after_min too (when to escalate)")
        return self


class NotificationPolicyCreate(NotificationPolicyFields):
    """A new notification policy."""


class NotificationPolicyUpdate(BaseModel):
    """Fields to change (others are kept); the result is checked like a new policy."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=100)
    enabled: bool | None = None
    min_severity: Severity | None = None
    site_ids: list[uuid.UUID] | None = Field(None, max_length=500)
    alarm_types: list[AlarmType] | None = Field(None, max_length=100)
    rules: list[RuleKey] | None = Field(None, max_length=100)
    weekdays: list[Weekday] | None = Field(None, max_length=7)
    time_from: TimeOfDay | None = None
    time_to: TimeOfDay | None = None
    timezone: str | None = Field(None, max_length=64)
    webhook: bool | None = None
    emails: list[Email] | None = Field(None, max_length=50)
    escalate_after_min: int | None = Field(None, ge=1, le=10_080)
    escalate_emails: list[Email] | None = Field(None, max_length=50)
    notify_clear: bool | None = None


class NotificationPolicyPublic(NotificationPolicyFields):
    """A notification policy."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime


class NotificationPoliciesPublic(Page[NotificationPolicyPublic]):
    """A page of notification policies."""


# ---- device events ------------------------------------------------------------------------

class DeviceEventPublic(BaseModel):
    """A trap or syslog line an agent received, as the hub stored it."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    event_id: uuid.UUID
    agent_id: uuid.UUID
    site_id: uuid.UUID
    device_id: uuid.UUID | None
    device_name: str | None = Field(examples=["sw1"])
    source: str = Field(examples=["192.0.2.10"])
    origin: str = Field(examples=["snmp_trap"], description="snmp_trap or syslog")
    event_type: str = Field(examples=["link_down"])
    severity: Severity
    labels: dict[str, str] = Field(examples=[{"ifIndex": "10101", "ifName": "Gi0/1"}])
    raw: str
    rule: str | None
    count: int = Field(examples=[1], description="identical events folded into this one")
    device_time: datetime | None
    received_at: datetime
    ingested_at: datetime


class DeviceEventsPublic(Page[DeviceEventPublic]):
    """A page of device events, newest first."""


# ---- site scope ---------------------------------------------------------------------------

class UserSites(BaseModel):
    """The sites whose alarms a user sees and works; empty: every site of the tenant."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"site_ids": ["0192f0c4-3c1e-7b7a-9d0c-5a1f3e2b4c6d"]}]})
    site_ids: Annotated[list[uuid.UUID], AfterValidator(_unique)] = Field(max_length=500)


class UserSitesPublic(UserSites):
    """A user's site scope."""

    model_config = ConfigDict(extra="ignore")
    user_id: uuid.UUID


# Any rule may open a support ticket for the customers it affects (hub.alarms.service).
COMMON_PARAMS = frozenset({"open_ticket"})


def override_params_problem(key: str, shipped: dict[str, Any],
                            params: dict[str, Any]) -> str | None:
    """Why `params` cannot override rule `key` whose shipped params are `shipped` (None: they
    can). Only parameters the rule has may be set; numbers must be finite and patterns must
    compile (the types and bounds are rules.schema.json's, checked by hub.alarms.rules)."""
    for name, value in params.items():
        if name not in shipped and name not in COMMON_PARAMS:
            known = ", ".join(sorted({*shipped, *COMMON_PARAMS}))
            return f"params.{name}: rule {key} has no such parameter; it has {known}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"params.{name}: {value} is not a finite number"
        if isinstance(value, str) and name.endswith("pattern"):
            try:
                re.compile(value)
            except re.error as exc:
                return f"params.{name}: not a regular expression ({exc}); fix the pattern"
    return None
