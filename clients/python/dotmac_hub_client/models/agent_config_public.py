from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.config_error import ConfigError


T = TypeVar("T", bound="AgentConfigPublic")


@_attrs_define
class AgentConfigPublic:
    """One agent's configuration versions; `in_sync` is false while the agent runs an older
    version than the hub wants (drift).

        Attributes:
            acked_at (datetime.datetime | None): When the agent last answered on up/config
            agent_id (UUID):
            applied_version (int): Version the agent last said it runs
            desired_at (datetime.datetime | None):
            desired_version (int): Newest version of the agent's config at the hub
            devices (int): Devices in the desired version
            in_sync (bool):
            last_error (ConfigError | None):
            pushed_at (datetime.datetime | None):
            pushed_version (int): Newest version handed to the broker
            agent_name (None | str | Unset):
            last_status (None | str | Unset): applied, rejected or current (from the agent), refused_by_hub
    """

    acked_at: datetime.datetime | None
    agent_id: UUID
    applied_version: int
    desired_at: datetime.datetime | None
    desired_version: int
    devices: int
    in_sync: bool
    last_error: ConfigError | None
    pushed_at: datetime.datetime | None
    pushed_version: int
    agent_name: None | str | Unset = UNSET
    last_status: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.config_error import ConfigError  # noqa: PLC0415

        acked_at: None | str
        if isinstance(self.acked_at, datetime.datetime):
            acked_at = self.acked_at.isoformat()
        else:
            acked_at = self.acked_at

        agent_id = str(self.agent_id)

        applied_version = self.applied_version

        desired_at: None | str
        if isinstance(self.desired_at, datetime.datetime):
            desired_at = self.desired_at.isoformat()
        else:
            desired_at = self.desired_at

        desired_version = self.desired_version

        devices = self.devices

        in_sync = self.in_sync

        last_error: dict[str, Any] | None
        if isinstance(self.last_error, ConfigError):
            last_error = self.last_error.to_dict()
        else:
            last_error = self.last_error

        pushed_at: None | str
        if isinstance(self.pushed_at, datetime.datetime):
            pushed_at = self.pushed_at.isoformat()
        else:
            pushed_at = self.pushed_at

        pushed_version = self.pushed_version

        agent_name: None | str | Unset
        if isinstance(self.agent_name, Unset):
            agent_name = UNSET
        else:
            agent_name = self.agent_name

        last_status: None | str | Unset
        if isinstance(self.last_status, Unset):
            last_status = UNSET
        else:
            last_status = self.last_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "acked_at": acked_at,
                "agent_id": agent_id,
                "applied_version": applied_version,
                "desired_at": desired_at,
                "desired_version": desired_version,
                "devices": devices,
                "in_sync": in_sync,
                "last_error": last_error,
                "pushed_at": pushed_at,
                "pushed_version": pushed_version,
            }
        )
        if agent_name is not UNSET:
            field_dict["agent_name"] = agent_name
        if last_status is not UNSET:
            field_dict["last_status"] = last_status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.config_error import ConfigError  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_acked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acked_at_type_0 = datetime.datetime.fromisoformat(data)

                return acked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        acked_at = _parse_acked_at(d.pop("acked_at"))

        agent_id = UUID(d.pop("agent_id"))

        applied_version = d.pop("applied_version")

        def _parse_desired_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                desired_at_type_0 = datetime.datetime.fromisoformat(data)

                return desired_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        desired_at = _parse_desired_at(d.pop("desired_at"))

        desired_version = d.pop("desired_version")

        devices = d.pop("devices")

        in_sync = d.pop("in_sync")

        def _parse_last_error(data: object) -> ConfigError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_error_type_0 = ConfigError.from_dict(data)

                return last_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConfigError | None, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_pushed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pushed_at_type_0 = datetime.datetime.fromisoformat(data)

                return pushed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        pushed_at = _parse_pushed_at(d.pop("pushed_at"))

        pushed_version = d.pop("pushed_version")

        def _parse_agent_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_name = _parse_agent_name(d.pop("agent_name", UNSET))

        def _parse_last_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_status = _parse_last_status(d.pop("last_status", UNSET))

        agent_config_public = cls(
            acked_at=acked_at,
            agent_id=agent_id,
            applied_version=applied_version,
            desired_at=desired_at,
            desired_version=desired_version,
            devices=devices,
            in_sync=in_sync,
            last_error=last_error,
            pushed_at=pushed_at,
            pushed_version=pushed_version,
            agent_name=agent_name,
            last_status=last_status,
        )

        agent_config_public.additional_properties = d
        return agent_config_public

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
