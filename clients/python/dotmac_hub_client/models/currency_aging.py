from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.aging_bucket import AgingBucket


T = TypeVar("T", bound="CurrencyAging")


@_attrs_define
class CurrencyAging:
    """Receivables of one currency, every bucket present (zeros included).

    Attributes:
        buckets (list[AgingBucket]):
        currency (str):
        total_minor (int):
    """

    buckets: list[AgingBucket]
    currency: str
    total_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        currency = self.currency

        total_minor = self.total_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "buckets": buckets,
                "currency": currency,
                "total_minor": total_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.aging_bucket import AgingBucket  # noqa: PLC0415

        d = dict(src_dict)
        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = AgingBucket.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        currency = d.pop("currency")

        total_minor = d.pop("total_minor")

        currency_aging = cls(
            buckets=buckets,
            currency=currency,
            total_minor=total_minor,
        )

        currency_aging.additional_properties = d
        return currency_aging

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
