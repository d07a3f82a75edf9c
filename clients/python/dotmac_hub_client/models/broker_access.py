from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BrokerAccess")


@_attrs_define
class BrokerAccess:
    """Where and how the agent reaches the MQTT broker.

    Attributes:
        ca_pem (None | str): PEM of the CA the broker's certificate chains to (null: trust the system CA store)
        host (str):
        password (str): shown once; the hub keeps no copy
        port (int):
        urls (list[str]):
        username (str):
        tls (bool | Unset):  Default: True.
    """

    ca_pem: None | str
    host: str
    password: str
    port: int
    urls: list[str]
    username: str
    tls: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ca_pem: None | str
        ca_pem = self.ca_pem

        host = self.host

        password = self.password

        port = self.port

        urls = self.urls

        username = self.username

        tls = self.tls

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ca_pem": ca_pem,
                "host": host,
                "password": password,
                "port": port,
                "urls": urls,
                "username": username,
            }
        )
        if tls is not UNSET:
            field_dict["tls"] = tls

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_ca_pem(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ca_pem = _parse_ca_pem(d.pop("ca_pem"))

        host = d.pop("host")

        password = d.pop("password")

        port = d.pop("port")

        urls = cast(list[str], d.pop("urls"))

        username = d.pop("username")

        tls = d.pop("tls", UNSET)

        broker_access = cls(
            ca_pem=ca_pem,
            host=host,
            password=password,
            port=port,
            urls=urls,
            username=username,
            tls=tls,
        )

        broker_access.additional_properties = d
        return broker_access

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
