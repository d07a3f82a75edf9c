from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ObservedDevicePublic")


@_attrs_define
class ObservedDevicePublic:
    """A device as its agent last reported it, with availability state.

    Attributes:
        address (None | str):
        agent_id (UUID):
        device (str):
        last_seen_at (datetime.datetime | None):
        profile (None | str):
        site_id (UUID):
        status (str): up | down | unknown
        status_reason (None | str):
        status_since (datetime.datetime | None):
    """

    address: None | str
    agent_id: UUID
    device: str
    last_seen_at: datetime.datetime | None
    profile: None | str
    site_id: UUID
    status: str
    status_reason: None | str
    status_since: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address: None | str
        address = self.address

        agent_id = str(self.agent_id)

        device = self.device

        last_seen_at: None | str
        if isinstance(self.last_seen_at, datetime.datetime):
            last_seen_at = self.last_seen_at.isoformat()
        else:
            last_seen_at = self.last_seen_at

        profile: None | str
        profile = self.profile

        site_id = str(self.site_id)

        status = self.status

        status_reason: None | str
        status_reason = self.status_reason

        status_since: None | str
        if isinstance(self.status_since, datetime.datetime):
            status_since = self.status_since.isoformat()
        else:
            status_since = self.status_since

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "agent_id": agent_id,
                "device": device,
                "last_seen_at": last_seen_at,
                "profile": profile,
                "site_id": site_id,
                "status": status,
                "status_reason": status_reason,
                "status_since": status_since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))

        agent_id = UUID(d.pop("agent_id"))

        device = d.pop("device")

        def _parse_last_seen_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen_at = _parse_last_seen_at(d.pop("last_seen_at"))

        def _parse_profile(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        profile = _parse_profile(d.pop("profile"))

        site_id = UUID(d.pop("site_id"))

        status = d.pop("status")

        def _parse_status_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status_reason = _parse_status_reason(d.pop("status_reason"))

        def _parse_status_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_since_type_0 = datetime.datetime.fromisoformat(data)

                return status_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        status_since = _parse_status_since(d.pop("status_since"))

        observed_device_public = cls(
            address=address,
            agent_id=agent_id,
            device=device,
            last_seen_at=last_seen_at,
            profile=profile,
            site_id=site_id,
            status=status,
            status_reason=status_reason,
            status_since=status_since,
        )

        observed_device_public.additional_properties = d
        return observed_device_public

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
