from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscriptionCreate")


@_attrs_define
class SubscriptionCreate:
    """A new (pending) subscription on a device port.

    Attributes:
        customer_id (UUID):
        plan_id (UUID):
        device_id (None | Unset | UUID):
        if_index (int | None | Unset):
        port (str | Unset):  Default: ''.
    """

    customer_id: UUID
    plan_id: UUID
    device_id: None | Unset | UUID = UNSET
    if_index: int | None | Unset = UNSET
    port: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer_id = str(self.customer_id)

        plan_id = str(self.plan_id)

        device_id: None | str | Unset
        if isinstance(self.device_id, Unset):
            device_id = UNSET
        elif isinstance(self.device_id, UUID):
            device_id = str(self.device_id)
        else:
            device_id = self.device_id

        if_index: int | None | Unset
        if isinstance(self.if_index, Unset):
            if_index = UNSET
        else:
            if_index = self.if_index

        port = self.port

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer_id": customer_id,
                "plan_id": plan_id,
            }
        )
        if device_id is not UNSET:
            field_dict["device_id"] = device_id
        if if_index is not UNSET:
            field_dict["if_index"] = if_index
        if port is not UNSET:
            field_dict["port"] = port

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customer_id = UUID(d.pop("customer_id"))

        plan_id = UUID(d.pop("plan_id"))

        def _parse_device_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                device_id_type_0 = UUID(data)

                return device_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        device_id = _parse_device_id(d.pop("device_id", UNSET))

        def _parse_if_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        if_index = _parse_if_index(d.pop("if_index", UNSET))

        port = d.pop("port", UNSET)

        subscription_create = cls(
            customer_id=customer_id,
            plan_id=plan_id,
            device_id=device_id,
            if_index=if_index,
            port=port,
        )

        subscription_create.additional_properties = d
        return subscription_create

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
