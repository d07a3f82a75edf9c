from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.plan_mrr import PlanMrr


T = TypeVar("T", bound="CurrencyMrr")


@_attrs_define
class CurrencyMrr:
    """MRR of one currency and its split by plan (each rounded once).

    Attributes:
        by_plan (list[PlanMrr]):
        currency (str):
        mrr_minor (int):
        paying_customers (int):
        subscriptions (int):
    """

    by_plan: list[PlanMrr]
    currency: str
    mrr_minor: int
    paying_customers: int
    subscriptions: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        by_plan = []
        for by_plan_item_data in self.by_plan:
            by_plan_item = by_plan_item_data.to_dict()
            by_plan.append(by_plan_item)

        currency = self.currency

        mrr_minor = self.mrr_minor

        paying_customers = self.paying_customers

        subscriptions = self.subscriptions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "by_plan": by_plan,
                "currency": currency,
                "mrr_minor": mrr_minor,
                "paying_customers": paying_customers,
                "subscriptions": subscriptions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_mrr import PlanMrr  # noqa: PLC0415

        d = dict(src_dict)
        by_plan = []
        _by_plan = d.pop("by_plan")
        for by_plan_item_data in _by_plan:
            by_plan_item = PlanMrr.from_dict(by_plan_item_data)

            by_plan.append(by_plan_item)

        currency = d.pop("currency")

        mrr_minor = d.pop("mrr_minor")

        paying_customers = d.pop("paying_customers")

        subscriptions = d.pop("subscriptions")

        currency_mrr = cls(
            by_plan=by_plan,
            currency=currency,
            mrr_minor=mrr_minor,
            paying_customers=paying_customers,
            subscriptions=subscriptions,
        )

        currency_mrr.additional_properties = d
        return currency_mrr

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
