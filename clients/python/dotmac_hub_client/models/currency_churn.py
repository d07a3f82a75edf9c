from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CurrencyChurn")


@_attrs_define
class CurrencyChurn:
    """Logo, subscription and MRR churn of one currency over [start, end).

    Attributes:
        currency (str):
        customers_at_start (int):
        customers_churned (int):
        logo_churn_rate (None | str):
        mrr_at_start_minor (int):
        mrr_churn_rate (None | str):
        mrr_churned_minor (int):
        subscription_churn_rate (None | str):
        subscriptions_at_start (int):
        subscriptions_churned (int):
    """

    currency: str
    customers_at_start: int
    customers_churned: int
    logo_churn_rate: None | str
    mrr_at_start_minor: int
    mrr_churn_rate: None | str
    mrr_churned_minor: int
    subscription_churn_rate: None | str
    subscriptions_at_start: int
    subscriptions_churned: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        customers_at_start = self.customers_at_start

        customers_churned = self.customers_churned

        logo_churn_rate: None | str
        logo_churn_rate = self.logo_churn_rate

        mrr_at_start_minor = self.mrr_at_start_minor

        mrr_churn_rate: None | str
        mrr_churn_rate = self.mrr_churn_rate

        mrr_churned_minor = self.mrr_churned_minor

        subscription_churn_rate: None | str
        subscription_churn_rate = self.subscription_churn_rate

        subscriptions_at_start = self.subscriptions_at_start

        subscriptions_churned = self.subscriptions_churned

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "customers_at_start": customers_at_start,
                "customers_churned": customers_churned,
                "logo_churn_rate": logo_churn_rate,
                "mrr_at_start_minor": mrr_at_start_minor,
                "mrr_churn_rate": mrr_churn_rate,
                "mrr_churned_minor": mrr_churned_minor,
                "subscription_churn_rate": subscription_churn_rate,
                "subscriptions_at_start": subscriptions_at_start,
                "subscriptions_churned": subscriptions_churned,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        customers_at_start = d.pop("customers_at_start")

        customers_churned = d.pop("customers_churned")

        def _parse_logo_churn_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        logo_churn_rate = _parse_logo_churn_rate(d.pop("logo_churn_rate"))

        mrr_at_start_minor = d.pop("mrr_at_start_minor")

        def _parse_mrr_churn_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        mrr_churn_rate = _parse_mrr_churn_rate(d.pop("mrr_churn_rate"))

        mrr_churned_minor = d.pop("mrr_churned_minor")

        def _parse_subscription_churn_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subscription_churn_rate = _parse_subscription_churn_rate(d.pop("subscription_churn_rate"))

        subscriptions_at_start = d.pop("subscriptions_at_start")

        subscriptions_churned = d.pop("subscriptions_churned")

        currency_churn = cls(
            currency=currency,
            customers_at_start=customers_at_start,
            customers_churned=customers_churned,
            logo_churn_rate=logo_churn_rate,
            mrr_at_start_minor=mrr_at_start_minor,
            mrr_churn_rate=mrr_churn_rate,
            mrr_churned_minor=mrr_churned_minor,
            subscription_churn_rate=subscription_churn_rate,
            subscriptions_at_start=subscriptions_at_start,
            subscriptions_churned=subscriptions_churned,
        )

        currency_churn.additional_properties = d
        return currency_churn

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
