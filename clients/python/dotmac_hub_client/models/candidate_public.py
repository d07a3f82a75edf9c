from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CandidatePublic")


@_attrs_define
class CandidatePublic:
    """A host that answered, what it looks like, and whether the tenant already has it.

    Attributes:
        address (str):
        adopted_device_id (None | UUID):
        credential_set_id (None | UUID):
        id (UUID):
        model (None | str):
        port (int):
        profile (None | str): The firmware profile that matched, or null
        reason (str): Why the profile matched
        serial (None | str):
        sys_descr (None | str):
        sys_name (None | str):
        sys_object_id (None | str):
        vendor (None | str):
        managed_device_id (None | Unset | UUID): A device of the tenant with this management address, or null
    """

    address: str
    adopted_device_id: None | UUID
    credential_set_id: None | UUID
    id: UUID
    model: None | str
    port: int
    profile: None | str
    reason: str
    serial: None | str
    sys_descr: None | str
    sys_name: None | str
    sys_object_id: None | str
    vendor: None | str
    managed_device_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        adopted_device_id: None | str
        if isinstance(self.adopted_device_id, UUID):
            adopted_device_id = str(self.adopted_device_id)
        else:
            adopted_device_id = self.adopted_device_id

        credential_set_id: None | str
        if isinstance(self.credential_set_id, UUID):
            credential_set_id = str(self.credential_set_id)
        else:
            credential_set_id = self.credential_set_id

        id = str(self.id)

        model: None | str
        model = self.model

        port = self.port

        profile: None | str
        profile = self.profile

        reason = self.reason

        serial: None | str
        serial = self.serial

        sys_descr: None | str
        sys_descr = self.sys_descr

        sys_name: None | str
        sys_name = self.sys_name

        sys_object_id: None | str
        sys_object_id = self.sys_object_id

        vendor: None | str
        vendor = self.vendor

        managed_device_id: None | str | Unset
        if isinstance(self.managed_device_id, Unset):
            managed_device_id = UNSET
        elif isinstance(self.managed_device_id, UUID):
            managed_device_id = str(self.managed_device_id)
        else:
            managed_device_id = self.managed_device_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "adopted_device_id": adopted_device_id,
                "credential_set_id": credential_set_id,
                "id": id,
                "model": model,
                "port": port,
                "profile": profile,
                "reason": reason,
                "serial": serial,
                "sys_descr": sys_descr,
                "sys_name": sys_name,
                "sys_object_id": sys_object_id,
                "vendor": vendor,
            }
        )
        if managed_device_id is not UNSET:
            field_dict["managed_device_id"] = managed_device_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address = d.pop("address")

        def _parse_adopted_device_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                adopted_device_id_type_0 = UUID(data)

                return adopted_device_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        adopted_device_id = _parse_adopted_device_id(d.pop("adopted_device_id"))

        def _parse_credential_set_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                credential_set_id_type_0 = UUID(data)

                return credential_set_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        credential_set_id = _parse_credential_set_id(d.pop("credential_set_id"))

        id = UUID(d.pop("id"))

        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))

        port = d.pop("port")

        def _parse_profile(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        profile = _parse_profile(d.pop("profile"))

        reason = d.pop("reason")

        def _parse_serial(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        serial = _parse_serial(d.pop("serial"))

        def _parse_sys_descr(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sys_descr = _parse_sys_descr(d.pop("sys_descr"))

        def _parse_sys_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sys_name = _parse_sys_name(d.pop("sys_name"))

        def _parse_sys_object_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sys_object_id = _parse_sys_object_id(d.pop("sys_object_id"))

        def _parse_vendor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vendor = _parse_vendor(d.pop("vendor"))

        def _parse_managed_device_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                managed_device_id_type_0 = UUID(data)

                return managed_device_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        managed_device_id = _parse_managed_device_id(d.pop("managed_device_id", UNSET))

        candidate_public = cls(
            address=address,
            adopted_device_id=adopted_device_id,
            credential_set_id=credential_set_id,
            id=id,
            model=model,
            port=port,
            profile=profile,
            reason=reason,
            serial=serial,
            sys_descr=sys_descr,
            sys_name=sys_name,
            sys_object_id=sys_object_id,
            vendor=vendor,
            managed_device_id=managed_device_id,
        )

        candidate_public.additional_properties = d
        return candidate_public

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
