from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EnrollmentTokenCreated")


@_attrs_define
class EnrollmentTokenCreated:
    """An issued token. `token` is shown only in this response: hand it to the tech now.

    Attributes:
        agent_name (None | str):
        created_at (datetime.datetime):
        expires_at (datetime.datetime):
        id (UUID):
        site_id (UUID):
        token (str):
    """

    agent_name: None | str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    id: UUID
    site_id: UUID
    token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_name: None | str
        agent_name = self.agent_name

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        id = str(self.id)

        site_id = str(self.site_id)

        token = self.token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_name": agent_name,
                "created_at": created_at,
                "expires_at": expires_at,
                "id": id,
                "site_id": site_id,
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_agent_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        agent_name = _parse_agent_name(d.pop("agent_name"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        id = UUID(d.pop("id"))

        site_id = UUID(d.pop("site_id"))

        token = d.pop("token")

        enrollment_token_created = cls(
            agent_name=agent_name,
            created_at=created_at,
            expires_at=expires_at,
            id=id,
            site_id=site_id,
            token=token,
        )

        enrollment_token_created.additional_properties = d
        return enrollment_token_created

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
