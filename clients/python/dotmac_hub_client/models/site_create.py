from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SiteCreate")


@_attrs_define
class SiteCreate:
    """A new site.

    Attributes:
        name (str):
        description (str | Unset):  Default: ''.
        walled_garden_vlan (int | None | Unset): The VLAN a switch profile in suspend_mode walled_garden_vlan moves a
            suspended customer's port into (where the payment portal is reachable); null: none, and such suspensions at this
            site fail with that reason. PATCH null clears it.
    """

    name: str
    description: str | Unset = ""
    walled_garden_vlan: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        walled_garden_vlan: int | None | Unset
        if isinstance(self.walled_garden_vlan, Unset):
            walled_garden_vlan = UNSET
        else:
            walled_garden_vlan = self.walled_garden_vlan

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if walled_garden_vlan is not UNSET:
            field_dict["walled_garden_vlan"] = walled_garden_vlan

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description", UNSET)

        def _parse_walled_garden_vlan(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        walled_garden_vlan = _parse_walled_garden_vlan(d.pop("walled_garden_vlan", UNSET))

        site_create = cls(
            name=name,
            description=description,
            walled_garden_vlan=walled_garden_vlan,
        )

        return site_create
