from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Utilization")


@_attrs_define
class Utilization:
    """How full a pool is (slots: addresses, prefixes or VLAN tags).

    Attributes:
        free (int):
        kind (str):
        percent (float): (used + reserved + quarantined) / size x 100
        pool (str):
        pool_id (UUID):
        quarantined (int):
        reserved (int):
        site (str):
        site_id (UUID):
        size (int):
        used (int): allocated to subscriptions
    """

    free: int
    kind: str
    percent: float
    pool: str
    pool_id: UUID
    quarantined: int
    reserved: int
    site: str
    site_id: UUID
    size: int
    used: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        free = self.free

        kind = self.kind

        percent = self.percent

        pool = self.pool

        pool_id = str(self.pool_id)

        quarantined = self.quarantined

        reserved = self.reserved

        site = self.site

        site_id = str(self.site_id)

        size = self.size

        used = self.used

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "free": free,
                "kind": kind,
                "percent": percent,
                "pool": pool,
                "pool_id": pool_id,
                "quarantined": quarantined,
                "reserved": reserved,
                "site": site,
                "site_id": site_id,
                "size": size,
                "used": used,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        free = d.pop("free")

        kind = d.pop("kind")

        percent = d.pop("percent")

        pool = d.pop("pool")

        pool_id = UUID(d.pop("pool_id"))

        quarantined = d.pop("quarantined")

        reserved = d.pop("reserved")

        site = d.pop("site")

        site_id = UUID(d.pop("site_id"))

        size = d.pop("size")

        used = d.pop("used")

        utilization = cls(
            free=free,
            kind=kind,
            percent=percent,
            pool=pool,
            pool_id=pool_id,
            quarantined=quarantined,
            reserved=reserved,
            site=site,
            site_id=site_id,
            size=size,
            used=used,
        )

        utilization.additional_properties = d
        return utilization

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
