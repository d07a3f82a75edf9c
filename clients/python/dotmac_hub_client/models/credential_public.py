from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CredentialPublic")


@_attrs_define
class CredentialPublic:
    """A subscription's credential (never its password, only whether one is set).

    Attributes:
        circuit_id (None | str):
        created_at (datetime.datetime):
        id (UUID):
        mac (None | str):
        password_set (bool):
        remote_id (None | str):
        subscription_id (UUID):
        updated_at (datetime.datetime):
        username (str):
    """

    circuit_id: None | str
    created_at: datetime.datetime
    id: UUID
    mac: None | str
    password_set: bool
    remote_id: None | str
    subscription_id: UUID
    updated_at: datetime.datetime
    username: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        circuit_id: None | str
        circuit_id = self.circuit_id

        created_at = self.created_at.isoformat()

        id = str(self.id)

        mac: None | str
        mac = self.mac

        password_set = self.password_set

        remote_id: None | str
        remote_id = self.remote_id

        subscription_id = str(self.subscription_id)

        updated_at = self.updated_at.isoformat()

        username = self.username

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "circuit_id": circuit_id,
                "created_at": created_at,
                "id": id,
                "mac": mac,
                "password_set": password_set,
                "remote_id": remote_id,
                "subscription_id": subscription_id,
                "updated_at": updated_at,
                "username": username,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_circuit_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        circuit_id = _parse_circuit_id(d.pop("circuit_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        def _parse_mac(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        mac = _parse_mac(d.pop("mac"))

        password_set = d.pop("password_set")

        def _parse_remote_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        remote_id = _parse_remote_id(d.pop("remote_id"))

        subscription_id = UUID(d.pop("subscription_id"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        username = d.pop("username")

        credential_public = cls(
            circuit_id=circuit_id,
            created_at=created_at,
            id=id,
            mac=mac,
            password_set=password_set,
            remote_id=remote_id,
            subscription_id=subscription_id,
            updated_at=updated_at,
            username=username,
        )

        credential_public.additional_properties = d
        return credential_public

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
