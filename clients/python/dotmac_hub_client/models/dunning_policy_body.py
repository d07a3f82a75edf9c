from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dunning_policy_body_mode import DunningPolicyBodyMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="DunningPolicyBody")


@_attrs_define
class DunningPolicyBody:
    """Dunning steps in days after the due date; quiet weekdays 0 = Monday.

    Attributes:
        holidays (list[str] | Unset):
        mode (DunningPolicyBodyMode | Unset):  Default: DunningPolicyBodyMode.THROTTLE.
        quiet_weekdays (list[int] | Unset):
        reminder_days (int | Unset):  Default: 3.
        suspend_days (int | Unset):  Default: 20.
        throttle_days (int | Unset):  Default: 10.
    """

    holidays: list[str] | Unset = UNSET
    mode: DunningPolicyBodyMode | Unset = DunningPolicyBodyMode.THROTTLE
    quiet_weekdays: list[int] | Unset = UNSET
    reminder_days: int | Unset = 3
    suspend_days: int | Unset = 20
    throttle_days: int | Unset = 10
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        holidays: list[str] | Unset = UNSET
        if not isinstance(self.holidays, Unset):
            holidays = self.holidays

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        quiet_weekdays: list[int] | Unset = UNSET
        if not isinstance(self.quiet_weekdays, Unset):
            quiet_weekdays = self.quiet_weekdays

        reminder_days = self.reminder_days

        suspend_days = self.suspend_days

        throttle_days = self.throttle_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if holidays is not UNSET:
            field_dict["holidays"] = holidays
        if mode is not UNSET:
            field_dict["mode"] = mode
        if quiet_weekdays is not UNSET:
            field_dict["quiet_weekdays"] = quiet_weekdays
        if reminder_days is not UNSET:
            field_dict["reminder_days"] = reminder_days
        if suspend_days is not UNSET:
            field_dict["suspend_days"] = suspend_days
        if throttle_days is not UNSET:
            field_dict["throttle_days"] = throttle_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        holidays = cast(list[str], d.pop("holidays", UNSET))

        _mode = d.pop("mode", UNSET)
        mode: DunningPolicyBodyMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = DunningPolicyBodyMode(_mode)

        quiet_weekdays = cast(list[int], d.pop("quiet_weekdays", UNSET))

        reminder_days = d.pop("reminder_days", UNSET)

        suspend_days = d.pop("suspend_days", UNSET)

        throttle_days = d.pop("throttle_days", UNSET)

        dunning_policy_body = cls(
            holidays=holidays,
            mode=mode,
            quiet_weekdays=quiet_weekdays,
            reminder_days=reminder_days,
            suspend_days=suspend_days,
            throttle_days=throttle_days,
        )

        dunning_policy_body.additional_properties = d
        return dunning_policy_body

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
