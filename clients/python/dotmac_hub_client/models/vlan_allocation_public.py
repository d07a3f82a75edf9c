from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="VlanAllocationPublic")


@_attrs_define
class VlanAllocationPublic:
    """A VLAN allocation.

    Attributes:
        created_at (datetime.datetime):
        id (UUID):
        inner_tag (int | None):
        note (str):
        pool_id (UUID):
        released_at (datetime.datetime | None):
        slot (int):
        state (str):
        subscription_id (None | UUID):
        tag (int):
    """

    created_at: datetime.datetime
    id: UUID
    inner_tag: int | None
    note: str
    pool_id: UUID
    released_at: datetime.datetime | None
    slot: int
    state: str
    subscription_id: None | UUID
    tag: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = str(self.id)

        inner_tag: int | None
        inner_tag = self.inner_tag

        note = self.note

        pool_id = str(self.pool_id)

        released_at: None | str
        if isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        slot = self.slot

        state = self.state

        subscription_id: None | str
        if isinstance(self.subscription_id, UUID):
            subscription_id = str(self.subscription_id)
        else:
            subscription_id = self.subscription_id

        tag = self.tag

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "inner_tag": inner_tag,
                "note": note,
                "pool_id": pool_id,
                "released_at": released_at,
                "slot": slot,
                "state": state,
                "subscription_id": subscription_id,
                "tag": tag,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        def _parse_inner_tag(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        inner_tag = _parse_inner_tag(d.pop("inner_tag"))

        note = d.pop("note")

        pool_id = UUID(d.pop("pool_id"))

        def _parse_released_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                released_at_type_0 = datetime.datetime.fromisoformat(data)

                return released_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        released_at = _parse_released_at(d.pop("released_at"))

        slot = d.pop("slot")

        state = d.pop("state")

        def _parse_subscription_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                subscription_id_type_0 = UUID(data)

                return subscription_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        subscription_id = _parse_subscription_id(d.pop("subscription_id"))

        tag = d.pop("tag")

        vlan_allocation_public = cls(
            created_at=created_at,
            id=id,
            inner_tag=inner_tag,
            note=note,
            pool_id=pool_id,
            released_at=released_at,
            slot=slot,
            state=state,
            subscription_id=subscription_id,
            tag=tag,
        )

        vlan_allocation_public.additional_properties = d
        return vlan_allocation_public

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
