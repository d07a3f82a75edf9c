from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.telemetry import Telemetry
from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceUpdate")


@_attrs_define
class DeviceUpdate:
    """Changes to a device (agent_id, snmp_credential_id or ssh_credential_id null detaches
    it from its agent or credential set).

        Attributes:
            agent_id (None | Unset | UUID):
            enabled (bool | None | Unset):
            event_sources (list[str] | None | Unset): the whole new list ([] removes them all; null or absent leaves it as
                it is)
            interval_s (float | None | Unset):
            maintenance (bool | None | Unset):
            management_address (None | str | Unset):
            name (None | str | Unset):
            profile (None | str | Unset): Firmware profile of the device, as the agent names it: a folder of
                firmware_profiles/ (cisco_ios, juniper_junos, ...) or `auto` (the agent detects it over SNMP). Deprecated,
                accepted for one release: the field name `snmp_profile` and dashed names (`cisco-ios`), which are stored as
                `profile` with underscores.
            retries (int | None | Unset):
            site_id (None | Unset | UUID):
            snmp_credential_id (None | Unset | UUID):
            snmp_port (int | None | Unset):
            ssh_credential_id (None | Unset | UUID):
            ssh_port (int | None | Unset):
            telemetry (None | Telemetry | Unset): `snmp`, `ssh` (CLI only; needs an ssh credential set and a known profile)
                or `both`
            timeout_s (float | None | Unset):
    """

    agent_id: None | Unset | UUID = UNSET
    enabled: bool | None | Unset = UNSET
    event_sources: list[str] | None | Unset = UNSET
    interval_s: float | None | Unset = UNSET
    maintenance: bool | None | Unset = UNSET
    management_address: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    profile: None | str | Unset = UNSET
    retries: int | None | Unset = UNSET
    site_id: None | Unset | UUID = UNSET
    snmp_credential_id: None | Unset | UUID = UNSET
    snmp_port: int | None | Unset = UNSET
    ssh_credential_id: None | Unset | UUID = UNSET
    ssh_port: int | None | Unset = UNSET
    telemetry: None | Telemetry | Unset = UNSET
    timeout_s: float | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        elif isinstance(self.agent_id, UUID):
            agent_id = str(self.agent_id)
        else:
            agent_id = self.agent_id

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        event_sources: list[str] | None | Unset
        if isinstance(self.event_sources, Unset):
            event_sources = UNSET
        elif isinstance(self.event_sources, list):
            event_sources = self.event_sources

        else:
            event_sources = self.event_sources

        interval_s: float | None | Unset
        if isinstance(self.interval_s, Unset):
            interval_s = UNSET
        else:
            interval_s = self.interval_s

        maintenance: bool | None | Unset
        if isinstance(self.maintenance, Unset):
            maintenance = UNSET
        else:
            maintenance = self.maintenance

        management_address: None | str | Unset
        if isinstance(self.management_address, Unset):
            management_address = UNSET
        else:
            management_address = self.management_address

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        profile: None | str | Unset
        if isinstance(self.profile, Unset):
            profile = UNSET
        else:
            profile = self.profile

        retries: int | None | Unset
        if isinstance(self.retries, Unset):
            retries = UNSET
        else:
            retries = self.retries

        site_id: None | str | Unset
        if isinstance(self.site_id, Unset):
            site_id = UNSET
        elif isinstance(self.site_id, UUID):
            site_id = str(self.site_id)
        else:
            site_id = self.site_id

        snmp_credential_id: None | str | Unset
        if isinstance(self.snmp_credential_id, Unset):
            snmp_credential_id = UNSET
        elif isinstance(self.snmp_credential_id, UUID):
            snmp_credential_id = str(self.snmp_credential_id)
        else:
            snmp_credential_id = self.snmp_credential_id

        snmp_port: int | None | Unset
        if isinstance(self.snmp_port, Unset):
            snmp_port = UNSET
        else:
            snmp_port = self.snmp_port

        ssh_credential_id: None | str | Unset
        if isinstance(self.ssh_credential_id, Unset):
            ssh_credential_id = UNSET
        elif isinstance(self.ssh_credential_id, UUID):
            ssh_credential_id = str(self.ssh_credential_id)
        else:
            ssh_credential_id = self.ssh_credential_id

        ssh_port: int | None | Unset
        if isinstance(self.ssh_port, Unset):
            ssh_port = UNSET
        else:
            ssh_port = self.ssh_port

        telemetry: None | str | Unset
        if isinstance(self.telemetry, Unset):
            telemetry = UNSET
        elif isinstance(self.telemetry, Telemetry):
            telemetry = self.telemetry.value
        else:
            telemetry = self.telemetry

        timeout_s: float | None | Unset
        if isinstance(self.timeout_s, Unset):
            timeout_s = UNSET
        else:
            timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if event_sources is not UNSET:
            field_dict["event_sources"] = event_sources
        if interval_s is not UNSET:
            field_dict["interval_s"] = interval_s
        if maintenance is not UNSET:
            field_dict["maintenance"] = maintenance
        if management_address is not UNSET:
            field_dict["management_address"] = management_address
        if name is not UNSET:
            field_dict["name"] = name
        if profile is not UNSET:
            field_dict["profile"] = profile
        if retries is not UNSET:
            field_dict["retries"] = retries
        if site_id is not UNSET:
            field_dict["site_id"] = site_id
        if snmp_credential_id is not UNSET:
            field_dict["snmp_credential_id"] = snmp_credential_id
        if snmp_port is not UNSET:
            field_dict["snmp_port"] = snmp_port
        if ssh_credential_id is not UNSET:
            field_dict["ssh_credential_id"] = ssh_credential_id
        if ssh_port is not UNSET:
            field_dict["ssh_port"] = ssh_port
        if telemetry is not UNSET:
            field_dict["telemetry"] = telemetry
        if timeout_s is not UNSET:
            field_dict["timeout_s"] = timeout_s

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_agent_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                agent_id_type_0 = UUID(data)

                return agent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        def _parse_event_sources(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                event_sources_type_0 = cast(list[str], data)

                return event_sources_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        event_sources = _parse_event_sources(d.pop("event_sources", UNSET))

        def _parse_interval_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        interval_s = _parse_interval_s(d.pop("interval_s", UNSET))

        def _parse_maintenance(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        maintenance = _parse_maintenance(d.pop("maintenance", UNSET))

        def _parse_management_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        management_address = _parse_management_address(d.pop("management_address", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_profile(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        profile = _parse_profile(d.pop("profile", UNSET))

        def _parse_retries(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retries = _parse_retries(d.pop("retries", UNSET))

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

        def _parse_snmp_credential_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                snmp_credential_id_type_0 = UUID(data)

                return snmp_credential_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        snmp_credential_id = _parse_snmp_credential_id(d.pop("snmp_credential_id", UNSET))

        def _parse_snmp_port(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        snmp_port = _parse_snmp_port(d.pop("snmp_port", UNSET))

        def _parse_ssh_credential_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ssh_credential_id_type_0 = UUID(data)

                return ssh_credential_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        ssh_credential_id = _parse_ssh_credential_id(d.pop("ssh_credential_id", UNSET))

        def _parse_ssh_port(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ssh_port = _parse_ssh_port(d.pop("ssh_port", UNSET))

        def _parse_telemetry(data: object) -> None | Telemetry | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                telemetry_type_0 = Telemetry(data)

                return telemetry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Telemetry | Unset, data)

        telemetry = _parse_telemetry(d.pop("telemetry", UNSET))

        def _parse_timeout_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        timeout_s = _parse_timeout_s(d.pop("timeout_s", UNSET))

        device_update = cls(
            agent_id=agent_id,
            enabled=enabled,
            event_sources=event_sources,
            interval_s=interval_s,
            maintenance=maintenance,
            management_address=management_address,
            name=name,
            profile=profile,
            retries=retries,
            site_id=site_id,
            snmp_credential_id=snmp_credential_id,
            snmp_port=snmp_port,
            ssh_credential_id=ssh_credential_id,
            ssh_port=ssh_port,
            telemetry=telemetry,
            timeout_s=timeout_s,
        )

        return device_update
