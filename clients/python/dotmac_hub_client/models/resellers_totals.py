from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.reseller_totals import ResellerTotals


T = TypeVar("T", bound="ResellersTotals")


@_attrs_define
class ResellersTotals:
    """The totals of every reseller directly under the caller's tenant, by name.

    Attributes:
        end (datetime.date): day after the period's last (exclusive)
        on (datetime.date): the day MRR is measured on
        resellers (list[ResellerTotals]):
        start (datetime.date):
    """

    end: datetime.date
    on: datetime.date
    resellers: list[ResellerTotals]
    start: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        end = self.end.isoformat()

        on = self.on.isoformat()

        resellers = []
        for resellers_item_data in self.resellers:
            resellers_item = resellers_item_data.to_dict()
            resellers.append(resellers_item)

        start = self.start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "end": end,
                "on": on,
                "resellers": resellers,
                "start": start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reseller_totals import ResellerTotals  # noqa: PLC0415

        d = dict(src_dict)
        end = datetime.date.fromisoformat(d.pop("end"))

        on = datetime.date.fromisoformat(d.pop("on"))

        resellers = []
        _resellers = d.pop("resellers")
        for resellers_item_data in _resellers:
            resellers_item = ResellerTotals.from_dict(resellers_item_data)

            resellers.append(resellers_item)

        start = datetime.date.fromisoformat(d.pop("start"))

        resellers_totals = cls(
            end=end,
            on=on,
            resellers=resellers,
            start=start,
        )

        resellers_totals.additional_properties = d
        return resellers_totals

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
