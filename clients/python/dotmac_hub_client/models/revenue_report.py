from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.plan_revenue import PlanRevenue


T = TypeVar("T", bound="RevenueReport")


@_attrs_define
class RevenueReport:
    """Revenue by plan of the documents issued in [start, end).

    Attributes:
        end (datetime.date):
        plans (list[PlanRevenue]):
        start (datetime.date):
    """

    end: datetime.date
    plans: list[PlanRevenue]
    start: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        end = self.end.isoformat()

        plans = []
        for plans_item_data in self.plans:
            plans_item = plans_item_data.to_dict()
            plans.append(plans_item)

        start = self.start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "end": end,
                "plans": plans,
                "start": start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_revenue import PlanRevenue  # noqa: PLC0415

        d = dict(src_dict)
        end = datetime.date.fromisoformat(d.pop("end"))

        plans = []
        _plans = d.pop("plans")
        for plans_item_data in _plans:
            plans_item = PlanRevenue.from_dict(plans_item_data)

            plans.append(plans_item)

        start = datetime.date.fromisoformat(d.pop("start"))

        revenue_report = cls(
            end=end,
            plans=plans,
            start=start,
        )

        revenue_report.additional_properties = d
        return revenue_report

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
