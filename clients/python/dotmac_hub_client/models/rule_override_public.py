from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rule_override_public_severity_type_0 import RuleOverridePublicSeverityType0

if TYPE_CHECKING:
    from ..models.rule_override_public_params import RuleOverridePublicParams


T = TypeVar("T", bound="RuleOverridePublic")


@_attrs_define
class RuleOverridePublic:
    """What the tenant changed on a shipped rule.

    Attributes:
        enabled (bool | None):
        params (RuleOverridePublicParams):
        severity (None | RuleOverridePublicSeverityType0):
        updated_at (datetime.datetime | None):
        updated_by (None | str):
    """

    enabled: bool | None
    params: RuleOverridePublicParams
    severity: None | RuleOverridePublicSeverityType0
    updated_at: datetime.datetime | None
    updated_by: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enabled: bool | None
        enabled = self.enabled

        params = self.params.to_dict()

        severity: None | str
        if isinstance(self.severity, RuleOverridePublicSeverityType0):
            severity = self.severity.value
        else:
            severity = self.severity

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        updated_by: None | str
        updated_by = self.updated_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enabled": enabled,
                "params": params,
                "severity": severity,
                "updated_at": updated_at,
                "updated_by": updated_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_override_public_params import RuleOverridePublicParams  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_enabled(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        enabled = _parse_enabled(d.pop("enabled"))

        params = RuleOverridePublicParams.from_dict(d.pop("params"))

        def _parse_severity(data: object) -> None | RuleOverridePublicSeverityType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_0 = RuleOverridePublicSeverityType0(data)

                return severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleOverridePublicSeverityType0, data)

        severity = _parse_severity(d.pop("severity"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        def _parse_updated_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        updated_by = _parse_updated_by(d.pop("updated_by"))

        rule_override_public = cls(
            enabled=enabled,
            params=params,
            severity=severity,
            updated_at=updated_at,
            updated_by=updated_by,
        )

        rule_override_public.additional_properties = d
        return rule_override_public

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
