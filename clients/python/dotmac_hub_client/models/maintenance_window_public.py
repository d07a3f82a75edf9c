from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MaintenanceWindowPublic")


@_attrs_define
class MaintenanceWindowPublic:
    """A maintenance window.

    Attributes:
        created_at (datetime.datetime):
        created_by (None | str):
        device_id (None | UUID):
        ends_at (datetime.datetime):
        id (UUID):
        reason (str):
        site_id (None | UUID):
        starts_at (datetime.datetime):
    """

    created_at: datetime.datetime
    created_by: None | str
    device_id: None | UUID
    ends_at: datetime.datetime
    id: UUID
    reason: str
    site_id: None | UUID
    starts_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        created_by: None | str
        created_by = self.created_by

        device_id: None | str
        if isinstance(self.device_id, UUID):
            device_id = str(self.device_id)
        else:
            device_id = self.device_id

        ends_at = self.ends_at.isoformat()

        id = str(self.id)

        reason = self.reason

        site_id: None | str
        if isinstance(self.site_id, UUID):
            site_id = str(self.site_id)
        else:
            site_id = self.site_id

        starts_at = self.starts_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "created_by": created_by,
                "device_id": device_id,
                "ends_at": ends_at,
                "id": id,
                "reason": reason,
                "site_id": site_id,
                "starts_at": starts_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        def _parse_device_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                device_id_type_0 = UUID(data)

                return device_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        device_id = _parse_device_id(d.pop("device_id"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        id = UUID(d.pop("id"))

        reason = d.pop("reason")

        def _parse_site_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                site_id_type_0 = UUID(data)

                return site_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        site_id = _parse_site_id(d.pop("site_id"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        maintenance_window_public = cls(
            created_at=created_at,
            created_by=created_by,
            device_id=device_id,
            ends_at=ends_at,
            id=id,
            reason=reason,
            site_id=site_id,
            starts_at=starts_at,
        )

        maintenance_window_public.additional_properties = d
        return maintenance_window_public

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
