from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.root_alarm_public_severity import RootAlarmPublicSeverity
from ..models.root_alarm_public_state import RootAlarmPublicState

T = TypeVar("T", bound="RootAlarmPublic")


@_attrs_define
class RootAlarmPublic:
    """The alarm another one is suppressed under (its cause).

    Attributes:
        id (UUID):
        rule (str):
        severity (RootAlarmPublicSeverity):
        state (RootAlarmPublicState):
        subject (str):
    """

    id: UUID
    rule: str
    severity: RootAlarmPublicSeverity
    state: RootAlarmPublicState
    subject: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        rule = self.rule

        severity = self.severity.value

        state = self.state.value

        subject = self.subject

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "rule": rule,
                "severity": severity,
                "state": state,
                "subject": subject,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        rule = d.pop("rule")

        severity = RootAlarmPublicSeverity(d.pop("severity"))

        state = RootAlarmPublicState(d.pop("state"))

        subject = d.pop("subject")

        root_alarm_public = cls(
            id=id,
            rule=rule,
            severity=severity,
            state=state,
            subject=subject,
        )

        root_alarm_public.additional_properties = d
        return root_alarm_public

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
