from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.ledger_line import LedgerLine


T = TypeVar("T", bound="LedgerPublic")


@_attrs_define
class LedgerPublic:
    """A customer's balance and its explanation.

    Attributes:
        balance_minor (int):
        credit_minor (int):
        currency (str):
        entries (list[LedgerLine]):
    """

    balance_minor: int
    credit_minor: int
    currency: str
    entries: list[LedgerLine]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        balance_minor = self.balance_minor

        credit_minor = self.credit_minor

        currency = self.currency

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "balance_minor": balance_minor,
                "credit_minor": credit_minor,
                "currency": currency,
                "entries": entries,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ledger_line import LedgerLine  # noqa: PLC0415

        d = dict(src_dict)
        balance_minor = d.pop("balance_minor")

        credit_minor = d.pop("credit_minor")

        currency = d.pop("currency")

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = LedgerLine.from_dict(entries_item_data)

            entries.append(entries_item)

        ledger_public = cls(
            balance_minor=balance_minor,
            credit_minor=credit_minor,
            currency=currency,
            entries=entries,
        )

        ledger_public.additional_properties = d
        return ledger_public

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
