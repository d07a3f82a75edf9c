from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.currency_totals import CurrencyTotals


T = TypeVar("T", bound="ResellerTotals")


@_attrs_define
class ResellerTotals:
    """A reseller's figures as its ISP sees them: counts and sums, no customer.

    Attributes:
        active_subscriptions (int):
        currencies (list[CurrencyTotals]):
        customers (int): customers not archived
        name (str):
        suspended_at (datetime.datetime | None):
        tenant_id (UUID):
    """

    active_subscriptions: int
    currencies: list[CurrencyTotals]
    customers: int
    name: str
    suspended_at: datetime.datetime | None
    tenant_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_subscriptions = self.active_subscriptions

        currencies = []
        for currencies_item_data in self.currencies:
            currencies_item = currencies_item_data.to_dict()
            currencies.append(currencies_item)

        customers = self.customers

        name = self.name

        suspended_at: None | str
        if isinstance(self.suspended_at, datetime.datetime):
            suspended_at = self.suspended_at.isoformat()
        else:
            suspended_at = self.suspended_at

        tenant_id = str(self.tenant_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active_subscriptions": active_subscriptions,
                "currencies": currencies,
                "customers": customers,
                "name": name,
                "suspended_at": suspended_at,
                "tenant_id": tenant_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.currency_totals import CurrencyTotals  # noqa: PLC0415

        d = dict(src_dict)
        active_subscriptions = d.pop("active_subscriptions")

        currencies = []
        _currencies = d.pop("currencies")
        for currencies_item_data in _currencies:
            currencies_item = CurrencyTotals.from_dict(currencies_item_data)

            currencies.append(currencies_item)

        customers = d.pop("customers")

        name = d.pop("name")

        def _parse_suspended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                suspended_at_type_0 = datetime.datetime.fromisoformat(data)

                return suspended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        suspended_at = _parse_suspended_at(d.pop("suspended_at"))

        tenant_id = UUID(d.pop("tenant_id"))

        reseller_totals = cls(
            active_subscriptions=active_subscriptions,
            currencies=currencies,
            customers=customers,
            name=name,
            suspended_at=suspended_at,
            tenant_id=tenant_id,
        )

        reseller_totals.additional_properties = d
        return reseller_totals

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
