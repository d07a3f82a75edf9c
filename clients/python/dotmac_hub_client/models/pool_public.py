from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pool_public_kind import PoolPublicKind

T = TypeVar("T", bound="PoolPublic")


@_attrs_define
class PoolPublic:
    """A pool and its slots.

    Attributes:
        assign_length (int):
        created_at (datetime.datetime):
        description (str):
        family (int):
        gateway (None | str):
        id (UUID):
        kind (PoolPublicKind):
        name (str):
        prefix_id (UUID):
        range_end (str):
        range_start (str):
        site_id (UUID):
        size (int):
    """

    assign_length: int
    created_at: datetime.datetime
    description: str
    family: int
    gateway: None | str
    id: UUID
    kind: PoolPublicKind
    name: str
    prefix_id: UUID
    range_end: str
    range_start: str
    site_id: UUID
    size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assign_length = self.assign_length

        created_at = self.created_at.isoformat()

        description = self.description

        family = self.family

        gateway: None | str
        gateway = self.gateway

        id = str(self.id)

        kind = self.kind.value

        name = self.name

        prefix_id = str(self.prefix_id)

        range_end = self.range_end

        range_start = self.range_start

        site_id = str(self.site_id)

        size = self.size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assign_length": assign_length,
                "created_at": created_at,
                "description": description,
                "family": family,
                "gateway": gateway,
                "id": id,
                "kind": kind,
                "name": name,
                "prefix_id": prefix_id,
                "range_end": range_end,
                "range_start": range_start,
                "site_id": site_id,
                "size": size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        assign_length = d.pop("assign_length")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        family = d.pop("family")

        def _parse_gateway(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        gateway = _parse_gateway(d.pop("gateway"))

        id = UUID(d.pop("id"))

        kind = PoolPublicKind(d.pop("kind"))

        name = d.pop("name")

        prefix_id = UUID(d.pop("prefix_id"))

        range_end = d.pop("range_end")

        range_start = d.pop("range_start")

        site_id = UUID(d.pop("site_id"))

        size = d.pop("size")

        pool_public = cls(
            assign_length=assign_length,
            created_at=created_at,
            description=description,
            family=family,
            gateway=gateway,
            id=id,
            kind=kind,
            name=name,
            prefix_id=prefix_id,
            range_end=range_end,
            range_start=range_start,
            site_id=site_id,
            size=size,
        )

        pool_public.additional_properties = d
        return pool_public

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
