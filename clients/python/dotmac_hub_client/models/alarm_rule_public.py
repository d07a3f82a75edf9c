from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alarm_rule_public_severity_type_0 import AlarmRulePublicSeverityType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alarm_rule_public_defaults import AlarmRulePublicDefaults
    from ..models.alarm_rule_public_params import AlarmRulePublicParams
    from ..models.rule_override_public import RuleOverridePublic


T = TypeVar("T", bound="AlarmRulePublic")


@_attrs_define
class AlarmRulePublic:
    """A rule as it applies to this tenant: shipped defaults merged with the override.

    Attributes:
        defaults (AlarmRulePublicDefaults): the shipped enabled, severity and params
        description (str):
        enabled (bool):
        key (str):
        params (AlarmRulePublicParams):
        severity (AlarmRulePublicSeverityType0 | None): null: the event's own severity
        source (str): event, telemetry, agent or hub
        override (None | RuleOverridePublic | Unset):
    """

    defaults: AlarmRulePublicDefaults
    description: str
    enabled: bool
    key: str
    params: AlarmRulePublicParams
    severity: AlarmRulePublicSeverityType0 | None
    source: str
    override: None | RuleOverridePublic | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_override_public import RuleOverridePublic  # noqa: PLC0415

        defaults = self.defaults.to_dict()

        description = self.description

        enabled = self.enabled

        key = self.key

        params = self.params.to_dict()

        severity: None | str
        if isinstance(self.severity, AlarmRulePublicSeverityType0):
            severity = self.severity.value
        else:
            severity = self.severity

        source = self.source

        override: dict[str, Any] | None | Unset
        if isinstance(self.override, Unset):
            override = UNSET
        elif isinstance(self.override, RuleOverridePublic):
            override = self.override.to_dict()
        else:
            override = self.override

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "defaults": defaults,
                "description": description,
                "enabled": enabled,
                "key": key,
                "params": params,
                "severity": severity,
                "source": source,
            }
        )
        if override is not UNSET:
            field_dict["override"] = override

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alarm_rule_public_defaults import AlarmRulePublicDefaults  # noqa: PLC0415
        from ..models.alarm_rule_public_params import AlarmRulePublicParams  # noqa: PLC0415
        from ..models.rule_override_public import RuleOverridePublic  # noqa: PLC0415

        d = dict(src_dict)
        defaults = AlarmRulePublicDefaults.from_dict(d.pop("defaults"))

        description = d.pop("description")

        enabled = d.pop("enabled")

        key = d.pop("key")

        params = AlarmRulePublicParams.from_dict(d.pop("params"))

        def _parse_severity(data: object) -> AlarmRulePublicSeverityType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_0 = AlarmRulePublicSeverityType0(data)

                return severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AlarmRulePublicSeverityType0 | None, data)

        severity = _parse_severity(d.pop("severity"))

        source = d.pop("source")

        def _parse_override(data: object) -> None | RuleOverridePublic | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                override_type_0 = RuleOverridePublic.from_dict(data)

                return override_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleOverridePublic | Unset, data)

        override = _parse_override(d.pop("override", UNSET))

        alarm_rule_public = cls(
            defaults=defaults,
            description=description,
            enabled=enabled,
            key=key,
            params=params,
            severity=severity,
            source=source,
            override=override,
        )

        alarm_rule_public.additional_properties = d
        return alarm_rule_public

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
