from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SitePublic")


@_attrs_define
class SitePublic:
    """A site.

    Attributes:
        created_at (datetime.datetime):
        description (str):
        id (UUID):
        name (str):
        walled_garden_vlan (int | None):
    """

    created_at: datetime.datetime
    description: str
    id: UUID
    name: str
    walled_garden_vlan: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        id = str(self.id)

        name = self.name

        walled_garden_vlan: int | None
        walled_garden_vlan = self.walled_garden_vlan

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "id": id,
                "name": name,
                "walled_garden_vlan": walled_garden_vlan,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        def _parse_walled_garden_vlan(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        walled_garden_vlan = _parse_walled_garden_vlan(d.pop("walled_garden_vlan"))

        site_public = cls(
            created_at=created_at,
            description=description,
            id=id,
            name=name,
            walled_garden_vlan=walled_garden_vlan,
        )

        site_public.additional_properties = d
        return site_public

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
