from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SiteUpdate")


@_attrs_define
class SiteUpdate:
    """Changes to a site.

    Attributes:
        description (None | str | Unset):
        name (None | str | Unset):
        walled_garden_vlan (int | None | Unset): The VLAN a switch profile in suspend_mode walled_garden_vlan moves a
            suspended customer's port into (where the payment portal is reachable); null: none, and such suspensions at this
            site fail with that reason. PATCH null clears it.
    """

    description: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    walled_garden_vlan: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        walled_garden_vlan: int | None | Unset
        if isinstance(self.walled_garden_vlan, Unset):
            walled_garden_vlan = UNSET
        else:
            walled_garden_vlan = self.walled_garden_vlan

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if name is not UNSET:
            field_dict["name"] = name
        if walled_garden_vlan is not UNSET:
            field_dict["walled_garden_vlan"] = walled_garden_vlan

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_walled_garden_vlan(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        walled_garden_vlan = _parse_walled_garden_vlan(d.pop("walled_garden_vlan", UNSET))

        site_update = cls(
            description=description,
            name=name,
            walled_garden_vlan=walled_garden_vlan,
        )

        return site_update
