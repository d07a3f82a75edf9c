from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AllocationPublic")


@_attrs_define
class AllocationPublic:
    """An allocation: `allocated` to a subscription, `reserved`, `quarantined` after a
    release until `quarantine_until`, or `released` (history).

        Attributes:
            address (None | str):
            created_at (datetime.datetime):
            id (UUID):
            note (str):
            pool_id (UUID):
            quarantine_until (datetime.datetime | None):
            released_at (datetime.datetime | None):
            slot (int | None):
            state (str):
            subscription_id (None | UUID):
    """

    address: None | str
    created_at: datetime.datetime
    id: UUID
    note: str
    pool_id: UUID
    quarantine_until: datetime.datetime | None
    released_at: datetime.datetime | None
    slot: int | None
    state: str
    subscription_id: None | UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address: None | str
        address = self.address

        created_at = self.created_at.isoformat()

        id = str(self.id)

        note = self.note

        pool_id = str(self.pool_id)

        quarantine_until: None | str
        if isinstance(self.quarantine_until, datetime.datetime):
            quarantine_until = self.quarantine_until.isoformat()
        else:
            quarantine_until = self.quarantine_until

        released_at: None | str
        if isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        slot: int | None
        slot = self.slot

        state = self.state

        subscription_id: None | str
        if isinstance(self.subscription_id, UUID):
            subscription_id = str(self.subscription_id)
        else:
            subscription_id = self.subscription_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "created_at": created_at,
                "id": id,
                "note": note,
                "pool_id": pool_id,
                "quarantine_until": quarantine_until,
                "released_at": released_at,
                "slot": slot,
                "state": state,
                "subscription_id": subscription_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        note = d.pop("note")

        pool_id = UUID(d.pop("pool_id"))

        def _parse_quarantine_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                quarantine_until_type_0 = datetime.datetime.fromisoformat(data)

                return quarantine_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        quarantine_until = _parse_quarantine_until(d.pop("quarantine_until"))

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

        def _parse_slot(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        slot = _parse_slot(d.pop("slot"))

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

        allocation_public = cls(
            address=address,
            created_at=created_at,
            id=id,
            note=note,
            pool_id=pool_id,
            quarantine_until=quarantine_until,
            released_at=released_at,
            slot=slot,
            state=state,
            subscription_id=subscription_id,
        )

        allocation_public.additional_properties = d
        return allocation_public

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
