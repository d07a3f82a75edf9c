from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AdoptCandidate")


@_attrs_define
class AdoptCandidate:
    """One candidate to make a device; every field but the id has a default.

    Attributes:
        candidate_id (UUID):
        agent_id (None | Unset | UUID): Default: the discovery's agent
        interval_s (float | None | Unset): Default: 60 s
        name (None | str | Unset): Default: the sysName made a device name, else the address
        profile (None | str | Unset): Default: the matched profile, else auto
        snmp_credential_id (None | Unset | UUID): Default: the set that answered
    """

    candidate_id: UUID
    agent_id: None | Unset | UUID = UNSET
    interval_s: float | None | Unset = UNSET
    name: None | str | Unset = UNSET
    profile: None | str | Unset = UNSET
    snmp_credential_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        candidate_id = str(self.candidate_id)

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        elif isinstance(self.agent_id, UUID):
            agent_id = str(self.agent_id)
        else:
            agent_id = self.agent_id

        interval_s: float | None | Unset
        if isinstance(self.interval_s, Unset):
            interval_s = UNSET
        else:
            interval_s = self.interval_s

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

        snmp_credential_id: None | str | Unset
        if isinstance(self.snmp_credential_id, Unset):
            snmp_credential_id = UNSET
        elif isinstance(self.snmp_credential_id, UUID):
            snmp_credential_id = str(self.snmp_credential_id)
        else:
            snmp_credential_id = self.snmp_credential_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "candidate_id": candidate_id,
            }
        )
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if interval_s is not UNSET:
            field_dict["interval_s"] = interval_s
        if name is not UNSET:
            field_dict["name"] = name
        if profile is not UNSET:
            field_dict["profile"] = profile
        if snmp_credential_id is not UNSET:
            field_dict["snmp_credential_id"] = snmp_credential_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        candidate_id = UUID(d.pop("candidate_id"))

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

        def _parse_interval_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        interval_s = _parse_interval_s(d.pop("interval_s", UNSET))

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

        adopt_candidate = cls(
            candidate_id=candidate_id,
            agent_id=agent_id,
            interval_s=interval_s,
            name=name,
            profile=profile,
            snmp_credential_id=snmp_credential_id,
        )

        return adopt_candidate
