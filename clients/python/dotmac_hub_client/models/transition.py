from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.transition_action import TransitionAction
from ..models.transition_mode import TransitionMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="Transition")


@_attrs_define
class Transition:
    """A lifecycle step; `on` defaults to today (UTC).

    Attributes:
        action (TransitionAction):
        mode (TransitionMode | Unset):  Default: TransitionMode.THROTTLE.
        on (datetime.date | None | Unset):
        plan_id (None | Unset | UUID):
        waive_minimum_term (bool | Unset): terminate: no early-termination charge (owner, admin or billing users only)
            Default: False.
    """

    action: TransitionAction
    mode: TransitionMode | Unset = TransitionMode.THROTTLE
    on: datetime.date | None | Unset = UNSET
    plan_id: None | Unset | UUID = UNSET
    waive_minimum_term: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        on: None | str | Unset
        if isinstance(self.on, Unset):
            on = UNSET
        elif isinstance(self.on, datetime.date):
            on = self.on.isoformat()
        else:
            on = self.on

        plan_id: None | str | Unset
        if isinstance(self.plan_id, Unset):
            plan_id = UNSET
        elif isinstance(self.plan_id, UUID):
            plan_id = str(self.plan_id)
        else:
            plan_id = self.plan_id

        waive_minimum_term = self.waive_minimum_term

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
            }
        )
        if mode is not UNSET:
            field_dict["mode"] = mode
        if on is not UNSET:
            field_dict["on"] = on
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id
        if waive_minimum_term is not UNSET:
            field_dict["waive_minimum_term"] = waive_minimum_term

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = TransitionAction(d.pop("action"))

        _mode = d.pop("mode", UNSET)
        mode: TransitionMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = TransitionMode(_mode)

        def _parse_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                on_type_0 = datetime.date.fromisoformat(data)

                return on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        on = _parse_on(d.pop("on", UNSET))

        def _parse_plan_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                plan_id_type_0 = UUID(data)

                return plan_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        plan_id = _parse_plan_id(d.pop("plan_id", UNSET))

        waive_minimum_term = d.pop("waive_minimum_term", UNSET)

        transition = cls(
            action=action,
            mode=mode,
            on=on,
            plan_id=plan_id,
            waive_minimum_term=waive_minimum_term,
        )

        transition.additional_properties = d
        return transition

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
