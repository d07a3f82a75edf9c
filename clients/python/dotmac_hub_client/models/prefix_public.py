from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PrefixPublic")


@_attrs_define
class PrefixPublic:
    """A prefix.

    Attributes:
        created_at (datetime.datetime):
        description (str):
        family (int):
        id (UUID):
        prefix (str):
        site_id (UUID):
    """

    created_at: datetime.datetime
    description: str
    family: int
    id: UUID
    prefix: str
    site_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        family = self.family

        id = str(self.id)

        prefix = self.prefix

        site_id = str(self.site_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "family": family,
                "id": id,
                "prefix": prefix,
                "site_id": site_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        family = d.pop("family")

        id = UUID(d.pop("id"))

        prefix = d.pop("prefix")

        site_id = UUID(d.pop("site_id"))

        prefix_public = cls(
            created_at=created_at,
            description=description,
            family=family,
            id=id,
            prefix=prefix,
            site_id=site_id,
        )

        prefix_public.additional_properties = d
        return prefix_public

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
