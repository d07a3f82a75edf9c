from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConfigDiff")


@_attrs_define
class ConfigDiff:
    """Unified diff of a version against the one before it (all-added for version 1).

    Attributes:
        device_id (UUID):
        diff (str):
        previous_version (int | None):
        version (int):
    """

    device_id: UUID
    diff: str
    previous_version: int | None
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        device_id = str(self.device_id)

        diff = self.diff

        previous_version: int | None
        previous_version = self.previous_version

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "device_id": device_id,
                "diff": diff,
                "previous_version": previous_version,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        device_id = UUID(d.pop("device_id"))

        diff = d.pop("diff")

        def _parse_previous_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        previous_version = _parse_previous_version(d.pop("previous_version"))

        version = d.pop("version")

        config_diff = cls(
            device_id=device_id,
            diff=diff,
            previous_version=previous_version,
            version=version,
        )

        config_diff.additional_properties = d
        return config_diff

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
