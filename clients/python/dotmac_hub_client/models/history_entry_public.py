from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.history_entry_public_details import HistoryEntryPublicDetails


T = TypeVar("T", bound="HistoryEntryPublic")


@_attrs_define
class HistoryEntryPublic:
    """One step of an alarm's life: what happened, who did it and when.

    Attributes:
        action (str):
        actor (str):
        actor_id (None | UUID):
        at (datetime.datetime):
        text (str):
        details (HistoryEntryPublicDetails | Unset):
    """

    action: str
    actor: str
    actor_id: None | UUID
    at: datetime.datetime
    text: str
    details: HistoryEntryPublicDetails | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        actor = self.actor

        actor_id: None | str
        if isinstance(self.actor_id, UUID):
            actor_id = str(self.actor_id)
        else:
            actor_id = self.actor_id

        at = self.at.isoformat()

        text = self.text

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor": actor,
                "actor_id": actor_id,
                "at": at,
                "text": text,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.history_entry_public_details import HistoryEntryPublicDetails  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        actor = d.pop("actor")

        def _parse_actor_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                actor_id_type_0 = UUID(data)

                return actor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        actor_id = _parse_actor_id(d.pop("actor_id"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        text = d.pop("text")

        _details = d.pop("details", UNSET)
        details: HistoryEntryPublicDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = HistoryEntryPublicDetails.from_dict(_details)

        history_entry_public = cls(
            action=action,
            actor=actor,
            actor_id=actor_id,
            at=at,
            text=text,
            details=details,
        )

        history_entry_public.additional_properties = d
        return history_entry_public

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
