from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ImpactPublic")


@_attrs_define
class ImpactPublic:
    """A subscription (and its customer) on the port or device an alarm is about.

    Attributes:
        customer_id (UUID):
        customer_name (str):
        subscription_id (UUID):
        port (int | None | str | Unset):
    """

    customer_id: UUID
    customer_name: str
    subscription_id: UUID
    port: int | None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer_id = str(self.customer_id)

        customer_name = self.customer_name

        subscription_id = str(self.subscription_id)

        port: int | None | str | Unset
        if isinstance(self.port, Unset):
            port = UNSET
        else:
            port = self.port

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer_id": customer_id,
                "customer_name": customer_name,
                "subscription_id": subscription_id,
            }
        )
        if port is not UNSET:
            field_dict["port"] = port

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customer_id = UUID(d.pop("customer_id"))

        customer_name = d.pop("customer_name")

        subscription_id = UUID(d.pop("subscription_id"))

        def _parse_port(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        port = _parse_port(d.pop("port", UNSET))

        impact_public = cls(
            customer_id=customer_id,
            customer_name=customer_name,
            subscription_id=subscription_id,
            port=port,
        )

        impact_public.additional_properties = d
        return impact_public

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
