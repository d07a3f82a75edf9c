from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="UserSites")


@_attrs_define
class UserSites:
    """The sites whose alarms a user sees and works; empty: every site of the tenant.

    Attributes:
        site_ids (list[UUID]):
    """

    site_ids: list[UUID]

    def to_dict(self) -> dict[str, Any]:
        site_ids = []
        for site_ids_item_data in self.site_ids:
            site_ids_item = str(site_ids_item_data)
            site_ids.append(site_ids_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "site_ids": site_ids,
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

        user_sites = cls(
            site_ids=site_ids,
        )

        return user_sites
