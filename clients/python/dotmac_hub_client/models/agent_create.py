from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="AgentCreate")


@_attrs_define
class AgentCreate:
    """A new agent record in a site (it gets credentials at enrollment).

    Attributes:
        name (str):
        site_id (UUID):
    """

    name: str
    site_id: UUID

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        site_id = str(self.site_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "site_id": site_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        site_id = UUID(d.pop("site_id"))

        agent_create = cls(
            name=name,
            site_id=site_id,
        )

        return agent_create
