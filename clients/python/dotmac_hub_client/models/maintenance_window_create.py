from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MaintenanceWindowCreate")


@_attrs_define
class MaintenanceWindowCreate:
    """A new window for exactly one site or one device.

    Attributes:
        ends_at (datetime.datetime):
        starts_at (datetime.datetime):
        device_id (None | Unset | UUID):
        reason (str | Unset):  Default: ''.
        site_id (None | Unset | UUID):
    """

    ends_at: datetime.datetime
    starts_at: datetime.datetime
    device_id: None | Unset | UUID = UNSET
    reason: str | Unset = ""
    site_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        ends_at = self.ends_at.isoformat()

        starts_at = self.starts_at.isoformat()

        device_id: None | str | Unset
        if isinstance(self.device_id, Unset):
            device_id = UNSET
        elif isinstance(self.device_id, UUID):
            device_id = str(self.device_id)
        else:
            device_id = self.device_id

        reason = self.reason

        site_id: None | str | Unset
        if isinstance(self.site_id, Unset):
            site_id = UNSET
        elif isinstance(self.site_id, UUID):
            site_id = str(self.site_id)
        else:
            site_id = self.site_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ends_at": ends_at,
                "starts_at": starts_at,
            }
        )
        if device_id is not UNSET:
            field_dict["device_id"] = device_id
        if reason is not UNSET:
            field_dict["reason"] = reason
        if site_id is not UNSET:
            field_dict["site_id"] = site_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        def _parse_device_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                device_id_type_0 = UUID(data)

                return device_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        device_id = _parse_device_id(d.pop("device_id", UNSET))

        reason = d.pop("reason", UNSET)

        def _parse_site_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                site_id_type_0 = UUID(data)

                return site_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        site_id = _parse_site_id(d.pop("site_id", UNSET))

        maintenance_window_create = cls(
            ends_at=ends_at,
            starts_at=starts_at,
            device_id=device_id,
            reason=reason,
            site_id=site_id,
        )

        return maintenance_window_create
