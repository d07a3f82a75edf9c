from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LinePublic")


@_attrs_define
class LinePublic:
    """One invoice line with its unrounded amount.

    Attributes:
        amount_minor (int):
        description (str):
        exact (str):
        kind (str):
        quantity (str):
        unit_price (str):
    """

    amount_minor: int
    description: str
    exact: str
    kind: str
    quantity: str
    unit_price: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        description = self.description

        exact = self.exact

        kind = self.kind

        quantity = self.quantity

        unit_price = self.unit_price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "description": description,
                "exact": exact,
                "kind": kind,
                "quantity": quantity,
                "unit_price": unit_price,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        description = d.pop("description")

        exact = d.pop("exact")

        kind = d.pop("kind")

        quantity = d.pop("quantity")

        unit_price = d.pop("unit_price")

        line_public = cls(
            amount_minor=amount_minor,
            description=description,
            exact=exact,
            kind=kind,
            quantity=quantity,
            unit_price=unit_price,
        )

        line_public.additional_properties = d
        return line_public

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
