from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CurrencyArpu")


@_attrs_define
class CurrencyArpu:
    """Average revenue per paying customer in one currency.

    Attributes:
        arpu_minor (int | None):
        currency (str):
        mrr_minor (int):
        paying_customers (int):
    """

    arpu_minor: int | None
    currency: str
    mrr_minor: int
    paying_customers: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        arpu_minor: int | None
        arpu_minor = self.arpu_minor

        currency = self.currency

        mrr_minor = self.mrr_minor

        paying_customers = self.paying_customers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "arpu_minor": arpu_minor,
                "currency": currency,
                "mrr_minor": mrr_minor,
                "paying_customers": paying_customers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_arpu_minor(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        arpu_minor = _parse_arpu_minor(d.pop("arpu_minor"))

        currency = d.pop("currency")

        mrr_minor = d.pop("mrr_minor")

        paying_customers = d.pop("paying_customers")

        currency_arpu = cls(
            arpu_minor=arpu_minor,
            currency=currency,
            mrr_minor=mrr_minor,
            paying_customers=paying_customers,
        )

        currency_arpu.additional_properties = d
        return currency_arpu

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
