from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PlanRevenue")


@_attrs_define
class PlanRevenue:
    """Invoiced revenue (net of tax, credit notes deducted) attributed to one plan.

    Attributes:
        credit_notes (int):
        currency (str):
        invoices (int):
        plan_id (None | UUID): null: one-off invoices without subscription
        plan_name (None | str):
        revenue_minor (int):
    """

    credit_notes: int
    currency: str
    invoices: int
    plan_id: None | UUID
    plan_name: None | str
    revenue_minor: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credit_notes = self.credit_notes

        currency = self.currency

        invoices = self.invoices

        plan_id: None | str
        if isinstance(self.plan_id, UUID):
            plan_id = str(self.plan_id)
        else:
            plan_id = self.plan_id

        plan_name: None | str
        plan_name = self.plan_name

        revenue_minor = self.revenue_minor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "credit_notes": credit_notes,
                "currency": currency,
                "invoices": invoices,
                "plan_id": plan_id,
                "plan_name": plan_name,
                "revenue_minor": revenue_minor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credit_notes = d.pop("credit_notes")

        currency = d.pop("currency")

        invoices = d.pop("invoices")

        def _parse_plan_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                plan_id_type_0 = UUID(data)

                return plan_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        plan_id = _parse_plan_id(d.pop("plan_id"))

        def _parse_plan_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan_name = _parse_plan_name(d.pop("plan_name"))

        revenue_minor = d.pop("revenue_minor")

        plan_revenue = cls(
            credit_notes=credit_notes,
            currency=currency,
            invoices=invoices,
            plan_id=plan_id,
            plan_name=plan_name,
            revenue_minor=revenue_minor,
        )

        plan_revenue.additional_properties = d
        return plan_revenue

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
