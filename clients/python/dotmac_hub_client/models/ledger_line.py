from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LedgerLine")


@_attrs_define
class LedgerLine:
    """One ledger movement (+ owed by the customer).

    Attributes:
        amount_minor (int):
        at (datetime.datetime):
        kind (str):
        on (datetime.date):
        ref_id (UUID):
    """

    amount_minor: int
    at: datetime.datetime
    kind: str
    on: datetime.date
    ref_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        at = self.at.isoformat()

        kind = self.kind

        on = self.on.isoformat()

        ref_id = str(self.ref_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "at": at,
                "kind": kind,
                "on": on,
                "ref_id": ref_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        kind = d.pop("kind")

        on = datetime.date.fromisoformat(d.pop("on"))

        ref_id = UUID(d.pop("ref_id"))

        ledger_line = cls(
            amount_minor=amount_minor,
            at=at,
            kind=kind,
            on=on,
            ref_id=ref_id,
        )

        ledger_line.additional_properties = d
        return ledger_line

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
