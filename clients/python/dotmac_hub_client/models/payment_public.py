from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PaymentPublic")


@_attrs_define
class PaymentPublic:
    """A payment and what is left unallocated.

    Attributes:
        amount_minor (int):
        currency (str):
        customer_id (UUID):
        id (UUID):
        method (str):
        received_on (datetime.date):
        reference (None | str):
        unallocated_minor (int):
    """

    amount_minor: int
    currency: str
    customer_id: UUID
    id: UUID
    method: str
    received_on: datetime.date
    reference: None | str
    unallocated_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        currency = self.currency

        customer_id = str(self.customer_id)

        id = str(self.id)

        method = self.method

        received_on = self.received_on.isoformat()

        reference: None | str
        reference = self.reference

        unallocated_minor = self.unallocated_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "currency": currency,
                "customer_id": customer_id,
                "id": id,
                "method": method,
                "received_on": received_on,
                "reference": reference,
                "unallocated_minor": unallocated_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        currency = d.pop("currency")

        customer_id = UUID(d.pop("customer_id"))

        id = UUID(d.pop("id"))

        method = d.pop("method")

        received_on = datetime.date.fromisoformat(d.pop("received_on"))

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        unallocated_minor = d.pop("unallocated_minor")

        payment_public = cls(
            amount_minor=amount_minor,
            currency=currency,
            customer_id=customer_id,
            id=id,
            method=method,
            received_on=received_on,
            reference=reference,
            unallocated_minor=unallocated_minor,
        )

        payment_public.additional_properties = d
        return payment_public

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
