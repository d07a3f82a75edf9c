from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schedule_update_params_type_0 import ScheduleUpdateParamsType0


T = TypeVar("T", bound="ScheduleUpdate")


@_attrs_define
class ScheduleUpdate:
    """Fields to change (absent: unchanged). A new cron, time zone or enabling moves the next
    due time to the first one from now (missed ones are not caught up).

        Attributes:
            cron (None | str | Unset): five fields: minute hour day-of-month month day-of-week, in the schedule's time zone
            enabled (bool | None | Unset):
            params (None | ScheduleUpdateParamsType0 | Unset): replaces the task's params
            timezone (None | str | Unset): IANA time zone name
    """

    cron: None | str | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    params: None | ScheduleUpdateParamsType0 | Unset = UNSET
    timezone: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.schedule_update_params_type_0 import ScheduleUpdateParamsType0  # noqa: PLC0415

        cron: None | str | Unset
        if isinstance(self.cron, Unset):
            cron = UNSET
        else:
            cron = self.cron

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        params: dict[str, Any] | None | Unset
        if isinstance(self.params, Unset):
            params = UNSET
        elif isinstance(self.params, ScheduleUpdateParamsType0):
            params = self.params.to_dict()
        else:
            params = self.params

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if cron is not UNSET:
            field_dict["cron"] = cron
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if params is not UNSET:
            field_dict["params"] = params
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schedule_update_params_type_0 import ScheduleUpdateParamsType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_cron(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cron = _parse_cron(d.pop("cron", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        def _parse_params(data: object) -> None | ScheduleUpdateParamsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                params_type_0 = ScheduleUpdateParamsType0.from_dict(data)

                return params_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ScheduleUpdateParamsType0 | Unset, data)

        params = _parse_params(d.pop("params", UNSET))

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        schedule_update = cls(
            cron=cron,
            enabled=enabled,
            params=params,
            timezone=timezone,
        )

        return schedule_update
