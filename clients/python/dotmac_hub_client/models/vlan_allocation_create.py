from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="VlanAllocationCreate")


@_attrs_define
class VlanAllocationCreate:
    """Bind a VLAN (the lowest free one, or `tag` / `tag`+`inner_tag`) to a subscription.

    Attributes:
        subscription_id (UUID):
        inner_tag (int | None | Unset): C-VLAN (qinq)
        note (str | Unset):  Default: ''.
        tag (int | None | Unset): VLAN, or S-VLAN (qinq)
    """

    subscription_id: UUID
    inner_tag: int | None | Unset = UNSET
    note: str | Unset = ""
    tag: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subscription_id = str(self.subscription_id)

        inner_tag: int | None | Unset
        if isinstance(self.inner_tag, Unset):
            inner_tag = UNSET
        else:
            inner_tag = self.inner_tag

        note = self.note

        tag: int | None | Unset
        if isinstance(self.tag, Unset):
            tag = UNSET
        else:
            tag = self.tag

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subscription_id": subscription_id,
            }
        )
        if inner_tag is not UNSET:
            field_dict["inner_tag"] = inner_tag
        if note is not UNSET:
            field_dict["note"] = note
        if tag is not UNSET:
            field_dict["tag"] = tag

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subscription_id = UUID(d.pop("subscription_id"))

        def _parse_inner_tag(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        inner_tag = _parse_inner_tag(d.pop("inner_tag", UNSET))

        note = d.pop("note", UNSET)

        def _parse_tag(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        tag = _parse_tag(d.pop("tag", UNSET))

        vlan_allocation_create = cls(
            subscription_id=subscription_id,
            inner_tag=inner_tag,
            note=note,
            tag=tag,
        )

        vlan_allocation_create.additional_properties = d
        return vlan_allocation_create

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
