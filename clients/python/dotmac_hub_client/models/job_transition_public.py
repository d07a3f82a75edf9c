from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobTransitionPublic")


@_attrs_define
class JobTransitionPublic:
    """One state change.

    Attributes:
        actor (str):
        at (datetime.datetime):
        detail (str):
        from_state (None | str):
        to_state (str):
    """

    actor: str
    at: datetime.datetime
    detail: str
    from_state: None | str
    to_state: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor = self.actor

        at = self.at.isoformat()

        detail = self.detail

        from_state: None | str
        from_state = self.from_state

        to_state = self.to_state

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "at": at,
                "detail": detail,
                "from_state": from_state,
                "to_state": to_state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        actor = d.pop("actor")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        detail = d.pop("detail")

        def _parse_from_state(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        from_state = _parse_from_state(d.pop("from_state"))

        to_state = d.pop("to_state")

        job_transition_public = cls(
            actor=actor,
            at=at,
            detail=detail,
            from_state=from_state,
            to_state=to_state,
        )

        job_transition_public.additional_properties = d
        return job_transition_public

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
