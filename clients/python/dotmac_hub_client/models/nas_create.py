from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.nas_create_vendor import NasCreateVendor
from ..types import UNSET, Unset

T = TypeVar("T", bound="NasCreate")


@_attrs_define
class NasCreate:
    """A NAS / BNG of a site. `address` is the source address of its RADIUS packets.

    Attributes:
        address (str):
        name (str):
        secret (str): RADIUS shared secret (write-only)
        site_id (UUID):
        vendor (NasCreateVendor):
        coa_port (int | Unset):  Default: 3799.
    """

    address: str
    name: str
    secret: str
    site_id: UUID
    vendor: NasCreateVendor
    coa_port: int | Unset = 3799

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        name = self.name

        secret = self.secret

        site_id = str(self.site_id)

        vendor = self.vendor.value

        coa_port = self.coa_port

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "address": address,
                "name": name,
                "secret": secret,
                "site_id": site_id,
                "vendor": vendor,
            }
        )
        if coa_port is not UNSET:
            field_dict["coa_port"] = coa_port

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        name = d.pop("name")

        secret = d.pop("secret")

        site_id = UUID(d.pop("site_id"))

        vendor = NasCreateVendor(d.pop("vendor"))

        coa_port = d.pop("coa_port", UNSET)

        nas_create = cls(
            address=address,
            name=name,
            secret=secret,
            site_id=site_id,
            vendor=vendor,
            coa_port=coa_port,
        )

        return nas_create
