from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.alarm_rule_override_severity_type_0 import AlarmRuleOverrideSeverityType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alarm_rule_override_params import AlarmRuleOverrideParams


T = TypeVar("T", bound="AlarmRuleOverride")


@_attrs_define
class AlarmRuleOverride:
    """A tenant's change to a rule; null fields keep the shipped value. `params` names only
    the parameters to change, each one the rule has, with a value of the shipped type.

        Attributes:
            enabled (bool | None | Unset):
            params (AlarmRuleOverrideParams | Unset):
            severity (AlarmRuleOverrideSeverityType0 | None | Unset):
    """

    enabled: bool | None | Unset = UNSET
    params: AlarmRuleOverrideParams | Unset = UNSET
    severity: AlarmRuleOverrideSeverityType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        severity: None | str | Unset
        if isinstance(self.severity, Unset):
            severity = UNSET
        elif isinstance(self.severity, AlarmRuleOverrideSeverityType0):
            severity = self.severity.value
        else:
            severity = self.severity

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if params is not UNSET:
            field_dict["params"] = params
        if severity is not UNSET:
            field_dict["severity"] = severity

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alarm_rule_override_params import AlarmRuleOverrideParams  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        _params = d.pop("params", UNSET)
        params: AlarmRuleOverrideParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = AlarmRuleOverrideParams.from_dict(_params)

        def _parse_severity(data: object) -> AlarmRuleOverrideSeverityType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_0 = AlarmRuleOverrideSeverityType0(data)

                return severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AlarmRuleOverrideSeverityType0 | None | Unset, data)

        severity = _parse_severity(d.pop("severity", UNSET))

        alarm_rule_override = cls(
            enabled=enabled,
            params=params,
            severity=severity,
        )

        return alarm_rule_override
