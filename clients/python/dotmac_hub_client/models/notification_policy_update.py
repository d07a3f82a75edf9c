from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.notification_policy_update_min_severity_type_0 import NotificationPolicyUpdateMinSeverityType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="NotificationPolicyUpdate")


@_attrs_define
class NotificationPolicyUpdate:
    """Fields to change (others are kept); the result is checked like a new policy.

    Attributes:
        alarm_types (list[str] | None | Unset):
        emails (list[str] | None | Unset):
        enabled (bool | None | Unset):
        escalate_after_min (int | None | Unset):
        escalate_emails (list[str] | None | Unset):
        min_severity (None | NotificationPolicyUpdateMinSeverityType0 | Unset):
        name (None | str | Unset):
        notify_clear (bool | None | Unset):
        rules (list[str] | None | Unset):
        site_ids (list[UUID] | None | Unset):
        time_from (None | str | Unset):
        time_to (None | str | Unset):
        timezone (None | str | Unset):
        webhook (bool | None | Unset):
        weekdays (list[int] | None | Unset):
    """

    alarm_types: list[str] | None | Unset = UNSET
    emails: list[str] | None | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    escalate_after_min: int | None | Unset = UNSET
    escalate_emails: list[str] | None | Unset = UNSET
    min_severity: None | NotificationPolicyUpdateMinSeverityType0 | Unset = UNSET
    name: None | str | Unset = UNSET
    notify_clear: bool | None | Unset = UNSET
    rules: list[str] | None | Unset = UNSET
    site_ids: list[UUID] | None | Unset = UNSET
    time_from: None | str | Unset = UNSET
    time_to: None | str | Unset = UNSET
    timezone: None | str | Unset = UNSET
    webhook: bool | None | Unset = UNSET
    weekdays: list[int] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        alarm_types: list[str] | None | Unset
        if isinstance(self.alarm_types, Unset):
            alarm_types = UNSET
        elif isinstance(self.alarm_types, list):
            alarm_types = self.alarm_types

        else:
            alarm_types = self.alarm_types

        emails: list[str] | None | Unset
        if isinstance(self.emails, Unset):
            emails = UNSET
        elif isinstance(self.emails, list):
            emails = self.emails

        else:
            emails = self.emails

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        escalate_after_min: int | None | Unset
        if isinstance(self.escalate_after_min, Unset):
            escalate_after_min = UNSET
        else:
            escalate_after_min = self.escalate_after_min

        escalate_emails: list[str] | None | Unset
        if isinstance(self.escalate_emails, Unset):
            escalate_emails = UNSET
        elif isinstance(self.escalate_emails, list):
            escalate_emails = self.escalate_emails

        else:
            escalate_emails = self.escalate_emails

        min_severity: None | str | Unset
        if isinstance(self.min_severity, Unset):
            min_severity = UNSET
        elif isinstance(self.min_severity, NotificationPolicyUpdateMinSeverityType0):
            min_severity = self.min_severity.value
        else:
            min_severity = self.min_severity

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        notify_clear: bool | None | Unset
        if isinstance(self.notify_clear, Unset):
            notify_clear = UNSET
        else:
            notify_clear = self.notify_clear

        rules: list[str] | None | Unset
        if isinstance(self.rules, Unset):
            rules = UNSET
        elif isinstance(self.rules, list):
            rules = self.rules

        else:
            rules = self.rules

        site_ids: list[str] | None | Unset
        if isinstance(self.site_ids, Unset):
            site_ids = UNSET
        elif isinstance(self.site_ids, list):
            site_ids = []
            for site_ids_type_0_item_data in self.site_ids:
                site_ids_type_0_item = str(site_ids_type_0_item_data)
                site_ids.append(site_ids_type_0_item)

        else:
            site_ids = self.site_ids

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

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        webhook: bool | None | Unset
        if isinstance(self.webhook, Unset):
            webhook = UNSET
        else:
            webhook = self.webhook

        weekdays: list[int] | None | Unset
        if isinstance(self.weekdays, Unset):
            weekdays = UNSET
        elif isinstance(self.weekdays, list):
            weekdays = self.weekdays

        else:
            weekdays = self.weekdays

        field_dict: dict[str, Any] = {}

        field_dict.update({})
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
        if name is not UNSET:
            field_dict["name"] = name
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

        def _parse_alarm_types(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                alarm_types_type_0 = cast(list[str], data)

                return alarm_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        alarm_types = _parse_alarm_types(d.pop("alarm_types", UNSET))

        def _parse_emails(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                emails_type_0 = cast(list[str], data)

                return emails_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        emails = _parse_emails(d.pop("emails", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        def _parse_escalate_after_min(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        escalate_after_min = _parse_escalate_after_min(d.pop("escalate_after_min", UNSET))

        def _parse_escalate_emails(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                escalate_emails_type_0 = cast(list[str], data)

                return escalate_emails_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        escalate_emails = _parse_escalate_emails(d.pop("escalate_emails", UNSET))

        def _parse_min_severity(data: object) -> None | NotificationPolicyUpdateMinSeverityType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                min_severity_type_0 = NotificationPolicyUpdateMinSeverityType0(data)

                return min_severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NotificationPolicyUpdateMinSeverityType0 | Unset, data)

        min_severity = _parse_min_severity(d.pop("min_severity", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_notify_clear(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        notify_clear = _parse_notify_clear(d.pop("notify_clear", UNSET))

        def _parse_rules(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                rules_type_0 = cast(list[str], data)

                return rules_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        rules = _parse_rules(d.pop("rules", UNSET))

        def _parse_site_ids(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                site_ids_type_0 = []
                _site_ids_type_0 = data
                for site_ids_type_0_item_data in _site_ids_type_0:
                    site_ids_type_0_item = UUID(site_ids_type_0_item_data)

                    site_ids_type_0.append(site_ids_type_0_item)

                return site_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        site_ids = _parse_site_ids(d.pop("site_ids", UNSET))

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

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        def _parse_webhook(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        webhook = _parse_webhook(d.pop("webhook", UNSET))

        def _parse_weekdays(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                weekdays_type_0 = cast(list[int], data)

                return weekdays_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        weekdays = _parse_weekdays(d.pop("weekdays", UNSET))

        notification_policy_update = cls(
            alarm_types=alarm_types,
            emails=emails,
            enabled=enabled,
            escalate_after_min=escalate_after_min,
            escalate_emails=escalate_emails,
            min_severity=min_severity,
            name=name,
            notify_clear=notify_clear,
            rules=rules,
            site_ids=site_ids,
            time_from=time_from,
            time_to=time_to,
            timezone=timezone,
            webhook=webhook,
            weekdays=weekdays,
        )

        return notification_policy_update
