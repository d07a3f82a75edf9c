from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CredentialPut")


@_attrs_define
class CredentialPut:
    """How a subscription logs in: PPPoE `username` + `password`, or IPoE by `mac` and/or
    option 82 (`circuit_id`, optionally with `remote_id`). `username` is the RADIUS
    User-Name in every case (for IPoE: what the NAS sends, often the MAC).

        Attributes:
            username (str):
            circuit_id (None | str | Unset):
            mac (None | str | Unset):
            password (None | str | Unset): PPPoE password (write-only); null: IPoE
            remote_id (None | str | Unset):
    """

    username: str
    circuit_id: None | str | Unset = UNSET
    mac: None | str | Unset = UNSET
    password: None | str | Unset = UNSET
    remote_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        circuit_id: None | str | Unset
        if isinstance(self.circuit_id, Unset):
            circuit_id = UNSET
        else:
            circuit_id = self.circuit_id

        mac: None | str | Unset
        if isinstance(self.mac, Unset):
            mac = UNSET
        else:
            mac = self.mac

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        remote_id: None | str | Unset
        if isinstance(self.remote_id, Unset):
            remote_id = UNSET
        else:
            remote_id = self.remote_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "username": username,
            }
        )
        if circuit_id is not UNSET:
            field_dict["circuit_id"] = circuit_id
        if mac is not UNSET:
            field_dict["mac"] = mac
        if password is not UNSET:
            field_dict["password"] = password
        if remote_id is not UNSET:
            field_dict["remote_id"] = remote_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        username = d.pop("username")

        def _parse_circuit_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        circuit_id = _parse_circuit_id(d.pop("circuit_id", UNSET))

        def _parse_mac(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mac = _parse_mac(d.pop("mac", UNSET))

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

        def _parse_remote_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        remote_id = _parse_remote_id(d.pop("remote_id", UNSET))

        credential_put = cls(
            username=username,
            circuit_id=circuit_id,
            mac=mac,
            password=password,
            remote_id=remote_id,
        )

        return credential_put
