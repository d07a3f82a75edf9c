from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TaxRatePublic")


@_attrs_define
class TaxRatePublic:
    """A tax rate.

    Attributes:
        archived_at (datetime.datetime | None):
        id (UUID):
        jurisdiction (str):
        name (str):
        rate (str):
    """

    archived_at: datetime.datetime | None
    id: UUID
    jurisdiction: str
    name: str
    rate: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        archived_at: None | str
        if isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        id = str(self.id)

        jurisdiction = self.jurisdiction

        name = self.name

        rate = self.rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "archived_at": archived_at,
                "id": id,
                "jurisdiction": jurisdiction,
                "name": name,
                "rate": rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_archived_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)

                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        archived_at = _parse_archived_at(d.pop("archived_at"))

        id = UUID(d.pop("id"))

        jurisdiction = d.pop("jurisdiction")

        name = d.pop("name")

        rate = d.pop("rate")

        tax_rate_public = cls(
            archived_at=archived_at,
            id=id,
            jurisdiction=jurisdiction,
            name=name,
            rate=rate,
        )

        tax_rate_public.additional_properties = d
        return tax_rate_public

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
