from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AdoptedDevice")


@_attrs_define
class AdoptedDevice:
    """A device made from a candidate.

    Attributes:
        agent_id (None | UUID):
        candidate_id (UUID):
        id (UUID):
        management_address (str):
        name (str):
        profile (str):
    """

    agent_id: None | UUID
    candidate_id: UUID
    id: UUID
    management_address: str
    name: str
    profile: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id: None | str
        if isinstance(self.agent_id, UUID):
            agent_id = str(self.agent_id)
        else:
            agent_id = self.agent_id

        candidate_id = str(self.candidate_id)

        id = str(self.id)

        management_address = self.management_address

        name = self.name

        profile = self.profile

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_id": agent_id,
                "candidate_id": candidate_id,
                "id": id,
                "management_address": management_address,
                "name": name,
                "profile": profile,
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

        candidate_id = UUID(d.pop("candidate_id"))

        id = UUID(d.pop("id"))

        management_address = d.pop("management_address")

        name = d.pop("name")

        profile = d.pop("profile")

        adopted_device = cls(
            agent_id=agent_id,
            candidate_id=candidate_id,
            id=id,
            management_address=management_address,
            name=name,
            profile=profile,
        )

        adopted_device.additional_properties = d
        return adopted_device

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
