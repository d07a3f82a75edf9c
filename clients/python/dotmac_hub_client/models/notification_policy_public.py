from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.notification_policy_public_min_severity import NotificationPolicyPublicMinSeverity
from ..types import UNSET, Unset

T = TypeVar("T", bound="NotificationPolicyPublic")


@_attrs_define
class NotificationPolicyPublic:
    """A notification policy.

    Attributes:
        created_at (datetime.datetime):
        id (UUID):
        name (str):
        updated_at (datetime.datetime):
        alarm_types (list[str] | Unset):
        emails (list[str] | Unset):
        enabled (bool | Unset):  Default: True.
        escalate_after_min (int | None | Unset): escalate an alarm not acknowledged after this many minutes
        escalate_emails (list[str] | Unset):
        min_severity (NotificationPolicyPublicMinSeverity | Unset): this level and the more severe ones Default:
            NotificationPolicyPublicMinSeverity.WARNING.
        notify_clear (bool | Unset): also tell when the alarm clears Default: True.
        rules (list[str] | Unset):
        site_ids (list[UUID] | Unset):
        time_from (None | str | Unset): start of the daily window (HH:MM in `timezone`; null: 00:00); a window may cross
            midnight
        time_to (None | str | Unset): end of the daily window, excluded (null: midnight)
        timezone (str | Unset):  Default: 'UTC'.
        webhook (bool | Unset): send alarm.* events to the tenant's webhooks Default: True.
        weekdays (list[int] | Unset): 0 = Monday ... 6 = Sunday; [] every day
    """

    created_at: datetime.datetime
    id: UUID
    name: str
    updated_at: datetime.datetime
    alarm_types: list[str] | Unset = UNSET
    emails: list[str] | Unset = UNSET
    enabled: bool | Unset = True
    escalate_after_min: int | None | Unset = UNSET
    escalate_emails: list[str] | Unset = UNSET
    min_severity: NotificationPolicyPublicMinSeverity | Unset = NotificationPolicyPublicMinSeverity.WARNING
    notify_clear: bool | Unset = True
    rules: list[str] | Unset = UNSET
    site_ids: list[UUID] | Unset = UNSET
    time_from: None | str | Unset = UNSET
    time_to: None | str | Unset = UNSET
    timezone: str | Unset = "UTC"
    webhook: bool | Unset = True
    weekdays: list[int] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = str(self.id)

        name = self.name

        updated_at = self.updated_at.isoformat()

        alarm_types: list[str] | Unset = UNSET
        if not isinstance(self.alarm_types, Unset):
            alarm_types = self.alarm_types

        emails: list[str] | Unset = UNSET
        if not isinstance(self.emails, Unset):
            emails = self.emails

        enabled = self.enabled

        escalate_after_min: int | None | Unset
        if isinstance(self.escalate_after_min, Unset):
            escalate_after_min = UNSET
        else:
            escalate_after_min = self.escalate_after_min

        escalate_emails: list[str] | Unset = UNSET
        if not isinstance(self.escalate_emails, Unset):
            escalate_emails = self.escalate_emails

        min_severity: str | Unset = UNSET
        if not isinstance(self.min_severity, Unset):
            min_severity = self.min_severity.value

        notify_clear = self.notify_clear

        rules: list[str] | Unset = UNSET
        if not isinstance(self.rules, Unset):
            rules = self.rules

        site_ids: list[str] | Unset = UNSET
        if not isinstance(self.site_ids, Unset):
            site_ids = []
            for site_ids_item_data in self.site_ids:
                site_ids_item = str(site_ids_item_data)
                site_ids.append(site_ids_item)

        time_from: None | str | Unset
        if isinstance(self.time_from, Unset):
            time_from = UNSET
        else:
            time_from = self.time_from

        time_to: None | str | Unset
        if isinstance(self.time_to, Unset):
            time_to = UNSET
        else:
            time_to = self.time_to

        timezone = self.timezone

        webhook = self.webhook

        weekdays: list[int] | Unset = UNSET
        if not isinstance(self.weekdays, Unset):
            weekdays = self.weekdays

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "name": name,
                "updated_at": updated_at,
            }
        )
        if alarm_types is not UNSET:
            field_dict["alarm_types"] = alarm_types
        if emails is not UNSET:
            field_dict["emails"] = emails
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if escalate_after_min is not UNSET:
            field_dict["escalate_after_min"] = escalate_after_min
        if escalate_emails is not UNSET:
            field_dict["escalate_emails"] = escalate_emails
        if min_severity is not UNSET:
            field_dict["min_severity"] = min_severity
        if notify_clear is not UNSET:
            field_dict["notify_clear"] = notify_clear
        if rules is not UNSET:
            field_dict["rules"] = rules
        if site_ids is not UNSET:
            field_dict["site_ids"] = site_ids
        if time_from is not UNSET:
            field_dict["time_from"] = time_from
        if time_to is not UNSET:
            field_dict["time_to"] = time_to
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if weekdays is not UNSET:
            field_dict["weekdays"] = weekdays

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        alarm_types = cast(list[str], d.pop("alarm_types", UNSET))

        emails = cast(list[str], d.pop("emails", UNSET))

        enabled = d.pop("enabled", UNSET)

        def _parse_escalate_after_min(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        escalate_after_min = _parse_escalate_after_min(d.pop("escalate_after_min", UNSET))

        escalate_emails = cast(list[str], d.pop("escalate_emails", UNSET))

        _min_severity = d.pop("min_severity", UNSET)
        min_severity: NotificationPolicyPublicMinSeverity | Unset
        if isinstance(_min_severity, Unset):
            min_severity = UNSET
        else:
            min_severity = NotificationPolicyPublicMinSeverity(_min_severity)

        notify_clear = d.pop("notify_clear", UNSET)

        rules = cast(list[str], d.pop("rules", UNSET))

        _site_ids = d.pop("site_ids", UNSET)
        site_ids: list[UUID] | Unset = UNSET
        if _site_ids is not UNSET:
            site_ids = []
            for site_ids_item_data in _site_ids:
                site_ids_item = UUID(site_ids_item_data)

                site_ids.append(site_ids_item)

        def _parse_time_from(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        time_from = _parse_time_from(d.pop("time_from", UNSET))

        def _parse_time_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        time_to = _parse_time_to(d.pop("time_to", UNSET))

        timezone = d.pop("timezone", UNSET)

        webhook = d.pop("webhook", UNSET)

        weekdays = cast(list[int], d.pop("weekdays", UNSET))

        notification_policy_public = cls(
            created_at=created_at,
            id=id,
            name=name,
            updated_at=updated_at,
            alarm_types=alarm_types,
            emails=emails,
            enabled=enabled,
            escalate_after_min=escalate_after_min,
            escalate_emails=escalate_emails,
            min_severity=min_severity,
            notify_clear=notify_clear,
            rules=rules,
            site_ids=site_ids,
            time_from=time_from,
            time_to=time_to,
            timezone=timezone,
            webhook=webhook,
            weekdays=weekdays,
        )

        return notification_policy_public
