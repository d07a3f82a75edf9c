from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.telemetry import Telemetry

T = TypeVar("T", bound="DevicePublic")


@_attrs_define
class DevicePublic:
    """A device.

    Attributes:
        agent_id (None | UUID):
        created_at (datetime.datetime):
        enabled (bool):
        event_sources (list[str]): More addresses the device sends traps and syslog from, besides its
            management_address.
        id (UUID):
        interval_s (float):
        maintenance (bool):
        management_address (str):
        name (str):
        profile (str): Firmware profile of the device (a folder of firmware_profiles/, or `auto`).
        retries (int):
        site_id (UUID):
        snmp_credential_id (None | UUID):
        snmp_port (int):
        snmp_profile (str): Deprecated, removed in the next release: the same value as `profile`; read `profile`.
        ssh_credential_id (None | UUID):
        ssh_port (int):
        telemetry (Telemetry): How an agent reads a device.
        timeout_s (float):
    """

    agent_id: None | UUID
    created_at: datetime.datetime
    enabled: bool
    event_sources: list[str]
    id: UUID
    interval_s: float
    maintenance: bool
    management_address: str
    name: str
    profile: str
    retries: int
    site_id: UUID
    snmp_credential_id: None | UUID
    snmp_port: int
    snmp_profile: str
    ssh_credential_id: None | UUID
    ssh_port: int
    telemetry: Telemetry
    timeout_s: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id: None | str
        if isinstance(self.agent_id, UUID):
            agent_id = str(self.agent_id)
        else:
            agent_id = self.agent_id

        created_at = self.created_at.isoformat()

        enabled = self.enabled

        event_sources = self.event_sources

        id = str(self.id)

        interval_s = self.interval_s

        maintenance = self.maintenance

        management_address = self.management_address

        name = self.name

        profile = self.profile

        retries = self.retries

        site_id = str(self.site_id)

        snmp_credential_id: None | str
        if isinstance(self.snmp_credential_id, UUID):
            snmp_credential_id = str(self.snmp_credential_id)
        else:
            snmp_credential_id = self.snmp_credential_id

        snmp_port = self.snmp_port

        snmp_profile = self.snmp_profile

        ssh_credential_id: None | str
        if isinstance(self.ssh_credential_id, UUID):
            ssh_credential_id = str(self.ssh_credential_id)
        else:
            ssh_credential_id = self.ssh_credential_id

        ssh_port = self.ssh_port

        telemetry = self.telemetry.value

        timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_id": agent_id,
                "created_at": created_at,
                "enabled": enabled,
                "event_sources": event_sources,
                "id": id,
                "interval_s": interval_s,
                "maintenance": maintenance,
                "management_address": management_address,
                "name": name,
                "profile": profile,
                "retries": retries,
                "site_id": site_id,
                "snmp_credential_id": snmp_credential_id,
                "snmp_port": snmp_port,
                "snmp_profile": snmp_profile,
                "ssh_credential_id": ssh_credential_id,
                "ssh_port": ssh_port,
                "telemetry": telemetry,
                "timeout_s": timeout_s,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_agent_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                agent_id_type_0 = UUID(data)

                return agent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        agent_id = _parse_agent_id(d.pop("agent_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        enabled = d.pop("enabled")

        event_sources = cast(list[str], d.pop("event_sources"))

        id = UUID(d.pop("id"))

        interval_s = d.pop("interval_s")

        maintenance = d.pop("maintenance")

        management_address = d.pop("management_address")

        name = d.pop("name")

        profile = d.pop("profile")

        retries = d.pop("retries")

        site_id = UUID(d.pop("site_id"))

        def _parse_snmp_credential_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                snmp_credential_id_type_0 = UUID(data)

                return snmp_credential_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        snmp_credential_id = _parse_snmp_credential_id(d.pop("snmp_credential_id"))

        snmp_port = d.pop("snmp_port")

        snmp_profile = d.pop("snmp_profile")

        def _parse_ssh_credential_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ssh_credential_id_type_0 = UUID(data)

                return ssh_credential_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        ssh_credential_id = _parse_ssh_credential_id(d.pop("ssh_credential_id"))

        ssh_port = d.pop("ssh_port")

        telemetry = Telemetry(d.pop("telemetry"))

        timeout_s = d.pop("timeout_s")

        device_public = cls(
            agent_id=agent_id,
            created_at=created_at,
            enabled=enabled,
            event_sources=event_sources,
            id=id,
            interval_s=interval_s,
            maintenance=maintenance,
            management_address=management_address,
            name=name,
            profile=profile,
            retries=retries,
            site_id=site_id,
            snmp_credential_id=snmp_credential_id,
            snmp_port=snmp_port,
            snmp_profile=snmp_profile,
            ssh_credential_id=ssh_credential_id,
            ssh_port=ssh_port,
            telemetry=telemetry,
            timeout_s=timeout_s,
        )

        device_public.additional_properties = d
        return device_public

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
