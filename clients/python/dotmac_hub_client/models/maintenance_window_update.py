from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MaintenanceWindowUpdate")


@_attrs_define
class MaintenanceWindowUpdate:
    """New times and reason of a window (its site or device stays).

    Attributes:
        ends_at (datetime.datetime):
        starts_at (datetime.datetime):
        reason (str | Unset):  Default: ''.
    """

    ends_at: datetime.datetime
    starts_at: datetime.datetime
    reason: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        ends_at = self.ends_at.isoformat()

        starts_at = self.starts_at.isoformat()

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ends_at": ends_at,
                "starts_at": starts_at,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        reason = d.pop("reason", UNSET)

        maintenance_window_update = cls(
            ends_at=ends_at,
            starts_at=starts_at,
            reason=reason,
        )

        return maintenance_window_update
