from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CurrencyTotals")


@_attrs_define
class CurrencyTotals:
    """One currency of a reseller: MRR on the day asked, and the invoices issued in the
    period with what was paid and credited on them and what is still owed.

        Attributes:
            credited_minor (int):
            currency (str):
            invoiced_minor (int):
            invoices (int):
            mrr_minor (int):
            outstanding_minor (int):
            paid_minor (int):
    """

    credited_minor: int
    currency: str
    invoiced_minor: int
    invoices: int
    mrr_minor: int
    outstanding_minor: int
    paid_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credited_minor = self.credited_minor

        currency = self.currency

        invoiced_minor = self.invoiced_minor

        invoices = self.invoices

        mrr_minor = self.mrr_minor

        outstanding_minor = self.outstanding_minor

        paid_minor = self.paid_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "credited_minor": credited_minor,
                "currency": currency,
                "invoiced_minor": invoiced_minor,
                "invoices": invoices,
                "mrr_minor": mrr_minor,
                "outstanding_minor": outstanding_minor,
                "paid_minor": paid_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credited_minor = d.pop("credited_minor")

        currency = d.pop("currency")

        invoiced_minor = d.pop("invoiced_minor")

        invoices = d.pop("invoices")

        mrr_minor = d.pop("mrr_minor")

        outstanding_minor = d.pop("outstanding_minor")

        paid_minor = d.pop("paid_minor")

        currency_totals = cls(
            credited_minor=credited_minor,
            currency=currency,
            invoiced_minor=invoiced_minor,
            invoices=invoices,
            mrr_minor=mrr_minor,
            outstanding_minor=outstanding_minor,
            paid_minor=paid_minor,
        )

        currency_totals.additional_properties = d
        return currency_totals

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
