from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SubscriberAddressesPublic")


@_attrs_define
class SubscriberAddressesPublic:
    """What RADIUS and provisioning read for one subscription.

    Attributes:
        cvlan (int | None):
        delegated_prefix (None | str):
        ipv4 (None | str):
        ipv6_prefix (None | str):
        pool_name (None | str):
        svlan (int | None):
        vlan (int | None):
    """

    cvlan: int | None
    delegated_prefix: None | str
    ipv4: None | str
    ipv6_prefix: None | str
    pool_name: None | str
    svlan: int | None
    vlan: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cvlan: int | None
        cvlan = self.cvlan

        delegated_prefix: None | str
        delegated_prefix = self.delegated_prefix

        ipv4: None | str
        ipv4 = self.ipv4

        ipv6_prefix: None | str
        ipv6_prefix = self.ipv6_prefix

        pool_name: None | str
        pool_name = self.pool_name

        svlan: int | None
        svlan = self.svlan

        vlan: int | None
        vlan = self.vlan

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cvlan": cvlan,
                "delegated_prefix": delegated_prefix,
                "ipv4": ipv4,
                "ipv6_prefix": ipv6_prefix,
                "pool_name": pool_name,
                "svlan": svlan,
                "vlan": vlan,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_cvlan(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        cvlan = _parse_cvlan(d.pop("cvlan"))

        def _parse_delegated_prefix(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        delegated_prefix = _parse_delegated_prefix(d.pop("delegated_prefix"))

        def _parse_ipv4(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ipv4 = _parse_ipv4(d.pop("ipv4"))

        def _parse_ipv6_prefix(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ipv6_prefix = _parse_ipv6_prefix(d.pop("ipv6_prefix"))

        def _parse_pool_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pool_name = _parse_pool_name(d.pop("pool_name"))

        def _parse_svlan(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        svlan = _parse_svlan(d.pop("svlan"))

        def _parse_vlan(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        vlan = _parse_vlan(d.pop("vlan"))

        subscriber_addresses_public = cls(
            cvlan=cvlan,
            delegated_prefix=delegated_prefix,
            ipv4=ipv4,
            ipv6_prefix=ipv6_prefix,
            pool_name=pool_name,
            svlan=svlan,
            vlan=vlan,
        )

        subscriber_addresses_public.additional_properties = d
        return subscriber_addresses_public

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
