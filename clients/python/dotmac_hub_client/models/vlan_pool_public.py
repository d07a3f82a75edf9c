from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.vlan_pool_public_kind import VlanPoolPublicKind

T = TypeVar("T", bound="VlanPoolPublic")


@_attrs_define
class VlanPoolPublic:
    """A VLAN pool.

    Attributes:
        created_at (datetime.datetime):
        description (str):
        first_tag (int):
        id (UUID):
        inner_first (int | None):
        inner_last (int | None):
        kind (VlanPoolPublicKind):
        last_tag (int):
        name (str):
        reserved (list[int]):
        site_id (UUID):
        size (int):
    """

    created_at: datetime.datetime
    description: str
    first_tag: int
    id: UUID
    inner_first: int | None
    inner_last: int | None
    kind: VlanPoolPublicKind
    last_tag: int
    name: str
    reserved: list[int]
    site_id: UUID
    size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        first_tag = self.first_tag

        id = str(self.id)

        inner_first: int | None
        inner_first = self.inner_first

        inner_last: int | None
        inner_last = self.inner_last

        kind = self.kind.value

        last_tag = self.last_tag

        name = self.name

        reserved = self.reserved

        site_id = str(self.site_id)

        size = self.size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "first_tag": first_tag,
                "id": id,
                "inner_first": inner_first,
                "inner_last": inner_last,
                "kind": kind,
                "last_tag": last_tag,
                "name": name,
                "reserved": reserved,
                "site_id": site_id,
                "size": size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        first_tag = d.pop("first_tag")

        id = UUID(d.pop("id"))

        def _parse_inner_first(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        inner_first = _parse_inner_first(d.pop("inner_first"))

        def _parse_inner_last(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        inner_last = _parse_inner_last(d.pop("inner_last"))

        kind = VlanPoolPublicKind(d.pop("kind"))

        last_tag = d.pop("last_tag")

        name = d.pop("name")

        reserved = cast(list[int], d.pop("reserved"))

        site_id = UUID(d.pop("site_id"))

        size = d.pop("size")

        vlan_pool_public = cls(
            created_at=created_at,
            description=description,
            first_tag=first_tag,
            id=id,
            inner_first=inner_first,
            inner_last=inner_last,
            kind=kind,
            last_tag=last_tag,
            name=name,
            reserved=reserved,
            site_id=site_id,
            size=size,
        )

        vlan_pool_public.additional_properties = d
        return vlan_pool_public

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
