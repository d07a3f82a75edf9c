from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UserSitesPublic")


@_attrs_define
class UserSitesPublic:
    """A user's site scope.

    Attributes:
        site_ids (list[UUID]):
        user_id (UUID):
    """

    site_ids: list[UUID]
    user_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        site_ids = []
        for site_ids_item_data in self.site_ids:
            site_ids_item = str(site_ids_item_data)
            site_ids.append(site_ids_item)

        user_id = str(self.user_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "site_ids": site_ids,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        site_ids = []
        _site_ids = d.pop("site_ids")
        for site_ids_item_data in _site_ids:
            site_ids_item = UUID(site_ids_item_data)

            site_ids.append(site_ids_item)

        user_id = UUID(d.pop("user_id"))

        user_sites_public = cls(
            site_ids=site_ids,
            user_id=user_id,
        )

        user_sites_public.additional_properties = d
        return user_sites_public

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
