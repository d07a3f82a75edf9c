from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.nas_public_vendor import NasPublicVendor

T = TypeVar("T", bound="NasPublic")


@_attrs_define
class NasPublic:
    """A NAS as the API shows it (never its secret).

    Attributes:
        address (str):
        coa_port (int):
        created_at (datetime.datetime):
        id (UUID):
        name (str):
        site_id (UUID):
        vendor (NasPublicVendor):
    """

    address: str
    coa_port: int
    created_at: datetime.datetime
    id: UUID
    name: str
    site_id: UUID
    vendor: NasPublicVendor
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        coa_port = self.coa_port

        created_at = self.created_at.isoformat()

        id = str(self.id)

        name = self.name

        site_id = str(self.site_id)

        vendor = self.vendor.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "coa_port": coa_port,
                "created_at": created_at,
                "id": id,
                "name": name,
                "site_id": site_id,
                "vendor": vendor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        coa_port = d.pop("coa_port")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        site_id = UUID(d.pop("site_id"))

        vendor = NasPublicVendor(d.pop("vendor"))

        nas_public = cls(
            address=address,
            coa_port=coa_port,
            created_at=created_at,
            id=id,
            name=name,
            site_id=site_id,
            vendor=vendor,
        )

        nas_public.additional_properties = d
        return nas_public

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
