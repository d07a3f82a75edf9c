from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.vlan_pool_create_kind import VlanPoolCreateKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="VlanPoolCreate")


@_attrs_define
class VlanPoolCreate:
    """VLAN tags of a site: `single` tags first_tag..last_tag, or `qinq` pairs of an S-VLAN
    first_tag..last_tag and a C-VLAN inner_first..inner_last. `reserved` outer tags are never
    allocated.

        Attributes:
            first_tag (int):
            last_tag (int):
            name (str):
            site_id (UUID):
            description (str | Unset):  Default: ''.
            inner_first (int | None | Unset):
            inner_last (int | None | Unset):
            kind (VlanPoolCreateKind | Unset):  Default: VlanPoolCreateKind.SINGLE.
            reserved (list[int] | Unset):
    """

    first_tag: int
    last_tag: int
    name: str
    site_id: UUID
    description: str | Unset = ""
    inner_first: int | None | Unset = UNSET
    inner_last: int | None | Unset = UNSET
    kind: VlanPoolCreateKind | Unset = VlanPoolCreateKind.SINGLE
    reserved: list[int] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        first_tag = self.first_tag

        last_tag = self.last_tag

        name = self.name

        site_id = str(self.site_id)

        description = self.description

        inner_first: int | None | Unset
        if isinstance(self.inner_first, Unset):
            inner_first = UNSET
        else:
            inner_first = self.inner_first

        inner_last: int | None | Unset
        if isinstance(self.inner_last, Unset):
            inner_last = UNSET
        else:
            inner_last = self.inner_last

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        reserved: list[int] | Unset = UNSET
        if not isinstance(self.reserved, Unset):
            reserved = self.reserved

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "first_tag": first_tag,
                "last_tag": last_tag,
                "name": name,
                "site_id": site_id,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if inner_first is not UNSET:
            field_dict["inner_first"] = inner_first
        if inner_last is not UNSET:
            field_dict["inner_last"] = inner_last
        if kind is not UNSET:
            field_dict["kind"] = kind
        if reserved is not UNSET:
            field_dict["reserved"] = reserved

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        first_tag = d.pop("first_tag")

        last_tag = d.pop("last_tag")

        name = d.pop("name")

        site_id = UUID(d.pop("site_id"))

        description = d.pop("description", UNSET)

        def _parse_inner_first(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        inner_first = _parse_inner_first(d.pop("inner_first", UNSET))

        def _parse_inner_last(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        inner_last = _parse_inner_last(d.pop("inner_last", UNSET))

        _kind = d.pop("kind", UNSET)
        kind: VlanPoolCreateKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = VlanPoolCreateKind(_kind)

        reserved = cast(list[int], d.pop("reserved", UNSET))

        vlan_pool_create = cls(
            first_tag=first_tag,
            last_tag=last_tag,
            name=name,
            site_id=site_id,
            description=description,
            inner_first=inner_first,
            inner_last=inner_last,
            kind=kind,
            reserved=reserved,
        )

        vlan_pool_create.additional_properties = d
        return vlan_pool_create

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
