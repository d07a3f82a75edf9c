from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ObservedInterfacePublic")


@_attrs_define
class ObservedInterfacePublic:
    """An interface as the agent last saw it (IF-MIB).

    Attributes:
        admin_status (str):
        alias (str):
        if_index (int):
        name (str):
        oper_status (str):
        speed_bps (int | None):
    """

    admin_status: str
    alias: str
    if_index: int
    name: str
    oper_status: str
    speed_bps: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        admin_status = self.admin_status

        alias = self.alias

        if_index = self.if_index

        name = self.name

        oper_status = self.oper_status

        speed_bps: int | None
        speed_bps = self.speed_bps

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "admin_status": admin_status,
                "alias": alias,
                "if_index": if_index,
                "name": name,
                "oper_status": oper_status,
                "speed_bps": speed_bps,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        admin_status = d.pop("admin_status")

        alias = d.pop("alias")

        if_index = d.pop("if_index")

        name = d.pop("name")

        oper_status = d.pop("oper_status")

        def _parse_speed_bps(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        speed_bps = _parse_speed_bps(d.pop("speed_bps"))

        observed_interface_public = cls(
            admin_status=admin_status,
            alias=alias,
            if_index=if_index,
            name=name,
            oper_status=oper_status,
            speed_bps=speed_bps,
        )

        observed_interface_public.additional_properties = d
        return observed_interface_public

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
