from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pool_create_kind import PoolCreateKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="PoolCreate")


@_attrs_define
class PoolCreate:
    """A range of a prefix handed out to subscriptions.

    `assign_length` is what one allocation gets: 32 for IPv4 (the only choice), for IPv6 a
    prefix per subscriber line (64 by default) or, in a `delegated` pool, the delegated
    prefix length (e.g. 56 out of a /48). The range defaults to the whole prefix (IPv4
    without its network and broadcast address).

        Attributes:
            name (str):
            prefix_id (UUID):
            assign_length (int | None | Unset):
            description (str | Unset):  Default: ''.
            gateway (None | str | Unset):
            kind (PoolCreateKind | Unset):  Default: PoolCreateKind.STATIC.
            range_end (None | str | Unset):
            range_start (None | str | Unset):
    """

    name: str
    prefix_id: UUID
    assign_length: int | None | Unset = UNSET
    description: str | Unset = ""
    gateway: None | str | Unset = UNSET
    kind: PoolCreateKind | Unset = PoolCreateKind.STATIC
    range_end: None | str | Unset = UNSET
    range_start: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        prefix_id = str(self.prefix_id)

        assign_length: int | None | Unset
        if isinstance(self.assign_length, Unset):
            assign_length = UNSET
        else:
            assign_length = self.assign_length

        description = self.description

        gateway: None | str | Unset
        if isinstance(self.gateway, Unset):
            gateway = UNSET
        else:
            gateway = self.gateway

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        range_end: None | str | Unset
        if isinstance(self.range_end, Unset):
            range_end = UNSET
        else:
            range_end = self.range_end

        range_start: None | str | Unset
        if isinstance(self.range_start, Unset):
            range_start = UNSET
        else:
            range_start = self.range_start

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "prefix_id": prefix_id,
            }
        )
        if assign_length is not UNSET:
            field_dict["assign_length"] = assign_length
        if description is not UNSET:
            field_dict["description"] = description
        if gateway is not UNSET:
            field_dict["gateway"] = gateway
        if kind is not UNSET:
            field_dict["kind"] = kind
        if range_end is not UNSET:
            field_dict["range_end"] = range_end
        if range_start is not UNSET:
            field_dict["range_start"] = range_start

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        prefix_id = UUID(d.pop("prefix_id"))

        def _parse_assign_length(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        assign_length = _parse_assign_length(d.pop("assign_length", UNSET))

        description = d.pop("description", UNSET)

        def _parse_gateway(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gateway = _parse_gateway(d.pop("gateway", UNSET))

        _kind = d.pop("kind", UNSET)
        kind: PoolCreateKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = PoolCreateKind(_kind)

        def _parse_range_end(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        range_end = _parse_range_end(d.pop("range_end", UNSET))

        def _parse_range_start(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        range_start = _parse_range_start(d.pop("range_start", UNSET))

        pool_create = cls(
            name=name,
            prefix_id=prefix_id,
            assign_length=assign_length,
            description=description,
            gateway=gateway,
            kind=kind,
            range_end=range_end,
            range_start=range_start,
        )

        pool_create.additional_properties = d
        return pool_create

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
