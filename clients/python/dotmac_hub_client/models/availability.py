from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Availability")


@_attrs_define
class Availability:
    """Up time of a device or a site over the part of the period its state was known.

    Attributes:
        availability_pct (float | None): null when the state was never known
        known_s (float):
        site_id (UUID):
        subject (str): device name or site id
        up_s (float):
    """

    availability_pct: float | None
    known_s: float
    site_id: UUID
    subject: str
    up_s: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        availability_pct: float | None
        availability_pct = self.availability_pct

        known_s = self.known_s

        site_id = str(self.site_id)

        subject = self.subject

        up_s = self.up_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "availability_pct": availability_pct,
                "known_s": known_s,
                "site_id": site_id,
                "subject": subject,
                "up_s": up_s,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_availability_pct(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        availability_pct = _parse_availability_pct(d.pop("availability_pct"))

        known_s = d.pop("known_s")

        site_id = UUID(d.pop("site_id"))

        subject = d.pop("subject")

        up_s = d.pop("up_s")

        availability = cls(
            availability_pct=availability_pct,
            known_s=known_s,
            site_id=site_id,
            subject=subject,
            up_s=up_s,
        )

        availability.additional_properties = d
        return availability

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
