from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RadiusActionEventPublic")


@_attrs_define
class RadiusActionEventPublic:
    """One step of a CoA / Disconnect request: an attempt, the answer, who moved it.

    Attributes:
        actor (str):
        at (datetime.datetime):
        detail (str):
        from_status (None | str):
        to_status (str):
    """

    actor: str
    at: datetime.datetime
    detail: str
    from_status: None | str
    to_status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor = self.actor

        at = self.at.isoformat()

        detail = self.detail

        from_status: None | str
        from_status = self.from_status

        to_status = self.to_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "at": at,
                "detail": detail,
                "from_status": from_status,
                "to_status": to_status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        actor = d.pop("actor")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        detail = d.pop("detail")

        def _parse_from_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        from_status = _parse_from_status(d.pop("from_status"))

        to_status = d.pop("to_status")

        radius_action_event_public = cls(
            actor=actor,
            at=at,
            detail=detail,
            from_status=from_status,
            to_status=to_status,
        )

        radius_action_event_public.additional_properties = d
        return radius_action_event_public

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
