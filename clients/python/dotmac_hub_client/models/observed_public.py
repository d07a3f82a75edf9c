from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.observed_public_status import ObservedPublicStatus

if TYPE_CHECKING:
    from ..models.observed_interface_public import ObservedInterfacePublic


T = TypeVar("T", bound="ObservedPublic")


@_attrs_define
class ObservedPublic:
    """What the agent last reported about the device, and its availability.

    Attributes:
        address (None | str):
        agent_id (UUID):
        interfaces (list[ObservedInterfacePublic]):
        last_seen_at (datetime.datetime | None):
        model (None | str):
        os_version (None | str):
        profile (None | str):
        reported_as (str): The device key the agent used: the hub's device id (a device pushed to the agent) or its name
            (a device of the agent's own agent.yaml)
        serial (None | str):
        status (ObservedPublicStatus):
        status_since (datetime.datetime | None):
        sys_descr (None | str):
        sys_name (None | str):
        vendor (None | str):
    """

    address: None | str
    agent_id: UUID
    interfaces: list[ObservedInterfacePublic]
    last_seen_at: datetime.datetime | None
    model: None | str
    os_version: None | str
    profile: None | str
    reported_as: str
    serial: None | str
    status: ObservedPublicStatus
    status_since: datetime.datetime | None
    sys_descr: None | str
    sys_name: None | str
    vendor: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address: None | str
        address = self.address

        agent_id = str(self.agent_id)

        interfaces = []
        for interfaces_item_data in self.interfaces:
            interfaces_item = interfaces_item_data.to_dict()
            interfaces.append(interfaces_item)

        last_seen_at: None | str
        if isinstance(self.last_seen_at, datetime.datetime):
            last_seen_at = self.last_seen_at.isoformat()
        else:
            last_seen_at = self.last_seen_at

        model: None | str
        model = self.model

        os_version: None | str
        os_version = self.os_version

        profile: None | str
        profile = self.profile

        reported_as = self.reported_as

        serial: None | str
        serial = self.serial

        status = self.status.value

        status_since: None | str
        if isinstance(self.status_since, datetime.datetime):
            status_since = self.status_since.isoformat()
        else:
            status_since = self.status_since

        sys_descr: None | str
        sys_descr = self.sys_descr

        sys_name: None | str
        sys_name = self.sys_name

        vendor: None | str
        vendor = self.vendor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "agent_id": agent_id,
                "interfaces": interfaces,
                "last_seen_at": last_seen_at,
                "model": model,
                "os_version": os_version,
                "profile": profile,
                "reported_as": reported_as,
                "serial": serial,
                "status": status,
                "status_since": status_since,
                "sys_descr": sys_descr,
                "sys_name": sys_name,
                "vendor": vendor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.observed_interface_public import ObservedInterfacePublic  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))

        agent_id = UUID(d.pop("agent_id"))

        interfaces = []
        _interfaces = d.pop("interfaces")
        for interfaces_item_data in _interfaces:
            interfaces_item = ObservedInterfacePublic.from_dict(interfaces_item_data)

            interfaces.append(interfaces_item)

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

        def _parse_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        model = _parse_model(d.pop("model"))

        def _parse_os_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        os_version = _parse_os_version(d.pop("os_version"))

        def _parse_profile(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        profile = _parse_profile(d.pop("profile"))

        reported_as = d.pop("reported_as")

        def _parse_serial(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        serial = _parse_serial(d.pop("serial"))

        status = ObservedPublicStatus(d.pop("status"))

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

        def _parse_sys_descr(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sys_descr = _parse_sys_descr(d.pop("sys_descr"))

        def _parse_sys_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sys_name = _parse_sys_name(d.pop("sys_name"))

        def _parse_vendor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vendor = _parse_vendor(d.pop("vendor"))

        observed_public = cls(
            address=address,
            agent_id=agent_id,
            interfaces=interfaces,
            last_seen_at=last_seen_at,
            model=model,
            os_version=os_version,
            profile=profile,
            reported_as=reported_as,
            serial=serial,
            status=status,
            status_since=status_since,
            sys_descr=sys_descr,
            sys_name=sys_name,
            vendor=vendor,
        )

        observed_public.additional_properties = d
        return observed_public

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
