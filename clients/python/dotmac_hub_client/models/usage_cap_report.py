from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageCapReport")


@_attrs_define
class UsageCapReport:
    """What a GB-cap run did: subscriptions throttled, restored to their plan's rate, and
    whose throttle was dropped without a network action (suspended into a new period, or
    re-rated by a plan change and now under the new plan's cap).

        Attributes:
            checked (int):
            cleared (list[UUID]):
            restored (list[UUID]):
            throttled (list[UUID]):
            today (datetime.date):
    """

    checked: int
    cleared: list[UUID]
    restored: list[UUID]
    throttled: list[UUID]
    today: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        checked = self.checked

        cleared = []
        for cleared_item_data in self.cleared:
            cleared_item = str(cleared_item_data)
            cleared.append(cleared_item)

        restored = []
        for restored_item_data in self.restored:
            restored_item = str(restored_item_data)
            restored.append(restored_item)

        throttled = []
        for throttled_item_data in self.throttled:
            throttled_item = str(throttled_item_data)
            throttled.append(throttled_item)

        today = self.today.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "checked": checked,
                "cleared": cleared,
                "restored": restored,
                "throttled": throttled,
                "today": today,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        checked = d.pop("checked")

        cleared = []
        _cleared = d.pop("cleared")
        for cleared_item_data in _cleared:
            cleared_item = UUID(cleared_item_data)

            cleared.append(cleared_item)

        restored = []
        _restored = d.pop("restored")
        for restored_item_data in _restored:
            restored_item = UUID(restored_item_data)

            restored.append(restored_item)

        throttled = []
        _throttled = d.pop("throttled")
        for throttled_item_data in _throttled:
            throttled_item = UUID(throttled_item_data)

            throttled.append(throttled_item)

        today = datetime.date.fromisoformat(d.pop("today"))

        usage_cap_report = cls(
            checked=checked,
            cleared=cleared,
            restored=restored,
            throttled=throttled,
            today=today,
        )

        usage_cap_report.additional_properties = d
        return usage_cap_report

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
