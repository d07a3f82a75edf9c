from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.device_create_profile import DeviceCreateProfile
from ..models.telemetry import Telemetry
from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceCreate")


@_attrs_define
class DeviceCreate:
    """A new device; its polling agent, if given, must be in the same site.

    Attributes:
        management_address (str):
        name (str):
        profile (DeviceCreateProfile): Firmware profile of the device, as the agent names it: a folder of
            firmware_profiles/ (cisco_ios, juniper_junos, ...) or `auto` (the agent detects it over SNMP). Deprecated,
            accepted for one release: the field name `snmp_profile` and dashed names (`cisco-ios`), which are stored as
            `profile` with underscores.
        site_id (UUID):
        agent_id (None | Unset | UUID):
        enabled (bool | Unset): false: the agent stops polling it Default: True.
        event_sources (list[str] | Unset): More addresses the device sends SNMP traps and syslog from (a loopback,
            another interface), besides its management_address: IPv4 or IPv6 addresses, at most 32, each once, stored in
            canonical form. Pushed to its agent, which maps those senders to this device (agents of protocol 1.3 or newer).
            An address another device of the same agent lists, or is polled on, is refused (409).
        interval_s (float | Unset): seconds between polls Default: 60.0.
        maintenance (bool | Unset): polled, but alarms are expected Default: False.
        retries (int | Unset):  Default: 1.
        snmp_credential_id (None | Unset | UUID): an snmp_v2c or snmp_v3 credential set of the tenant (unbound or bound
            to the device's site)
        snmp_port (int | Unset):  Default: 161.
        ssh_credential_id (None | Unset | UUID): an ssh credential set of the tenant (unbound or bound to the device's
            site)
        ssh_port (int | Unset):  Default: 22.
        telemetry (Telemetry | Unset): How an agent reads a device.
        timeout_s (float | Unset): seconds per SNMP/SSH request Default: 2.0.
    """

    management_address: str
    name: str
    profile: DeviceCreateProfile
    site_id: UUID
    agent_id: None | Unset | UUID = UNSET
    enabled: bool | Unset = True
    event_sources: list[str] | Unset = UNSET
    interval_s: float | Unset = 60.0
    maintenance: bool | Unset = False
    retries: int | Unset = 1
    snmp_credential_id: None | Unset | UUID = UNSET
    snmp_port: int | Unset = 161
    ssh_credential_id: None | Unset | UUID = UNSET
    ssh_port: int | Unset = 22
    telemetry: Telemetry | Unset = UNSET
    timeout_s: float | Unset = 2.0

    def to_dict(self) -> dict[str, Any]:
        management_address = self.management_address

        name = self.name

        profile = self.profile.value

        site_id = str(self.site_id)

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        elif isinstance(self.agent_id, UUID):
            agent_id = str(self.agent_id)
        else:
            agent_id = self.agent_id

        enabled = self.enabled

        event_sources: list[str] | Unset = UNSET
        if not isinstance(self.event_sources, Unset):
            event_sources = self.event_sources

        interval_s = self.interval_s

        maintenance = self.maintenance

        retries = self.retries

        snmp_credential_id: None | str | Unset
        if isinstance(self.snmp_credential_id, Unset):
            snmp_credential_id = UNSET
        elif isinstance(self.snmp_credential_id, UUID):
            snmp_credential_id = str(self.snmp_credential_id)
        else:
            snmp_credential_id = self.snmp_credential_id

        snmp_port = self.snmp_port

        ssh_credential_id: None | str | Unset
        if isinstance(self.ssh_credential_id, Unset):
            ssh_credential_id = UNSET
        elif isinstance(self.ssh_credential_id, UUID):
            ssh_credential_id = str(self.ssh_credential_id)
        else:
            ssh_credential_id = self.ssh_credential_id

        ssh_port = self.ssh_port

        telemetry: str | Unset = UNSET
        if not isinstance(self.telemetry, Unset):
            telemetry = self.telemetry.value

        timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "management_address": management_address,
                "name": name,
                "profile": profile,
                "site_id": site_id,
            }
        )
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
        if retries is not UNSET:
            field_dict["retries"] = retries
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
        management_address = d.pop("management_address")

        name = d.pop("name")

        profile = DeviceCreateProfile(d.pop("profile"))

        site_id = UUID(d.pop("site_id"))

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

        enabled = d.pop("enabled", UNSET)

        event_sources = cast(list[str], d.pop("event_sources", UNSET))

        interval_s = d.pop("interval_s", UNSET)

        maintenance = d.pop("maintenance", UNSET)

        retries = d.pop("retries", UNSET)

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

        snmp_port = d.pop("snmp_port", UNSET)

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

        ssh_port = d.pop("ssh_port", UNSET)

        _telemetry = d.pop("telemetry", UNSET)
        telemetry: Telemetry | Unset
        if isinstance(_telemetry, Unset):
            telemetry = UNSET
        else:
            telemetry = Telemetry(_telemetry)

        timeout_s = d.pop("timeout_s", UNSET)

        device_create = cls(
            management_address=management_address,
            name=name,
            profile=profile,
            site_id=site_id,
            agent_id=agent_id,
            enabled=enabled,
            event_sources=event_sources,
            interval_s=interval_s,
            maintenance=maintenance,
            retries=retries,
            snmp_credential_id=snmp_credential_id,
            snmp_port=snmp_port,
            ssh_credential_id=ssh_credential_id,
            ssh_port=ssh_port,
            telemetry=telemetry,
            timeout_s=timeout_s,
        )

        return device_create
