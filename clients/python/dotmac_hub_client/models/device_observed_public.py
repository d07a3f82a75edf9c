from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.observed_public import ObservedPublic


T = TypeVar("T", bound="DeviceObservedPublic")


@_attrs_define
class DeviceObservedPublic:
    """A hub device and what its agent last observed of it (null: nothing reported yet).

    Attributes:
        device_id (UUID):
        name (str):
        observed (None | ObservedPublic):
    """

    device_id: UUID
    name: str
    observed: None | ObservedPublic
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.observed_public import ObservedPublic  # noqa: PLC0415

        device_id = str(self.device_id)

        name = self.name

        observed: dict[str, Any] | None
        if isinstance(self.observed, ObservedPublic):
            observed = self.observed.to_dict()
        else:
            observed = self.observed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "device_id": device_id,
                "name": name,
                "observed": observed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.observed_public import ObservedPublic  # noqa: PLC0415

        d = dict(src_dict)
        device_id = UUID(d.pop("device_id"))

        name = d.pop("name")

        def _parse_observed(data: object) -> None | ObservedPublic:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                observed_type_0 = ObservedPublic.from_dict(data)

                return observed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ObservedPublic, data)

        observed = _parse_observed(d.pop("observed"))

        device_observed_public = cls(
            device_id=device_id,
            name=name,
            observed=observed,
        )

        device_observed_public.additional_properties = d
        return device_observed_public

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
