from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.nas_update_vendor_type_0 import NasUpdateVendorType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="NasUpdate")


@_attrs_define
class NasUpdate:
    """Changes to a NAS; `secret` given replaces the shared secret (rotation).

    Attributes:
        address (None | str | Unset):
        coa_port (int | None | Unset):
        name (None | str | Unset):
        secret (None | str | Unset):
        site_id (None | Unset | UUID):
        vendor (NasUpdateVendorType0 | None | Unset):
    """

    address: None | str | Unset = UNSET
    coa_port: int | None | Unset = UNSET
    name: None | str | Unset = UNSET
    secret: None | str | Unset = UNSET
    site_id: None | Unset | UUID = UNSET
    vendor: NasUpdateVendorType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        address: None | str | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        else:
            address = self.address

        coa_port: int | None | Unset
        if isinstance(self.coa_port, Unset):
            coa_port = UNSET
        else:
            coa_port = self.coa_port

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        site_id: None | str | Unset
        if isinstance(self.site_id, Unset):
            site_id = UNSET
        elif isinstance(self.site_id, UUID):
            site_id = str(self.site_id)
        else:
            site_id = self.site_id

        vendor: None | str | Unset
        if isinstance(self.vendor, Unset):
            vendor = UNSET
        elif isinstance(self.vendor, NasUpdateVendorType0):
            vendor = self.vendor.value
        else:
            vendor = self.vendor

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if address is not UNSET:
            field_dict["address"] = address
        if coa_port is not UNSET:
            field_dict["coa_port"] = coa_port
        if name is not UNSET:
            field_dict["name"] = name
        if secret is not UNSET:
            field_dict["secret"] = secret
        if site_id is not UNSET:
            field_dict["site_id"] = site_id
        if vendor is not UNSET:
            field_dict["vendor"] = vendor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        address = _parse_address(d.pop("address", UNSET))

        def _parse_coa_port(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        coa_port = _parse_coa_port(d.pop("coa_port", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        def _parse_site_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                site_id_type_0 = UUID(data)

                return site_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        site_id = _parse_site_id(d.pop("site_id", UNSET))

        def _parse_vendor(data: object) -> NasUpdateVendorType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                vendor_type_0 = NasUpdateVendorType0(data)

                return vendor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NasUpdateVendorType0 | None | Unset, data)

        vendor = _parse_vendor(d.pop("vendor", UNSET))

        nas_update = cls(
            address=address,
            coa_port=coa_port,
            name=name,
            secret=secret,
            site_id=site_id,
            vendor=vendor,
        )

        return nas_update
