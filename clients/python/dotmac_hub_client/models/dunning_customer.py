from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dunning_customer_step import DunningCustomerStep

T = TypeVar("T", bound="DunningCustomer")


@_attrs_define
class DunningCustomer:
    """A customer with an open invoice on which dunning has taken a step.

    Attributes:
        currency (str):
        customer_id (UUID):
        days_overdue (int):
        name (str):
        open_invoices (int):
        overdue_minor (int):
        step (DunningCustomerStep):
    """

    currency: str
    customer_id: UUID
    days_overdue: int
    name: str
    open_invoices: int
    overdue_minor: int
    step: DunningCustomerStep
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        customer_id = str(self.customer_id)

        days_overdue = self.days_overdue

        name = self.name

        open_invoices = self.open_invoices

        overdue_minor = self.overdue_minor

        step = self.step.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "customer_id": customer_id,
                "days_overdue": days_overdue,
                "name": name,
                "open_invoices": open_invoices,
                "overdue_minor": overdue_minor,
                "step": step,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        customer_id = UUID(d.pop("customer_id"))

        days_overdue = d.pop("days_overdue")

        name = d.pop("name")

        open_invoices = d.pop("open_invoices")

        overdue_minor = d.pop("overdue_minor")

        step = DunningCustomerStep(d.pop("step"))

        dunning_customer = cls(
            currency=currency,
            customer_id=customer_id,
            days_overdue=days_overdue,
            name=name,
            open_invoices=open_invoices,
            overdue_minor=overdue_minor,
            step=step,
        )

        dunning_customer.additional_properties = d
        return dunning_customer

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
