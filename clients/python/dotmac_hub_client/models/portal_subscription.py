from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PortalSubscription")


@_attrs_define
class PortalSubscription:
    """One of the caller's subscriptions, as a customer sees it (no device or port).

    Attributes:
        currency (str):
        down_kbps (int):
        ended_on (datetime.date | None):
        id (UUID):
        period (str): month | quarter | year
        plan_id (UUID):
        plan_name (str):
        price (str): recurring price per period, in `currency`
        started_on (datetime.date | None):
        status (str):
        term_ends_on (datetime.date | None):
        up_kbps (int):
        usage_kind (str): none | gb (GB cap, overage per GB) | p95 (95th percentile above a committed rate)
    """

    currency: str
    down_kbps: int
    ended_on: datetime.date | None
    id: UUID
    period: str
    plan_id: UUID
    plan_name: str
    price: str
    started_on: datetime.date | None
    status: str
    term_ends_on: datetime.date | None
    up_kbps: int
    usage_kind: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        down_kbps = self.down_kbps

        ended_on: None | str
        if isinstance(self.ended_on, datetime.date):
            ended_on = self.ended_on.isoformat()
        else:
            ended_on = self.ended_on

        id = str(self.id)

        period = self.period

        plan_id = str(self.plan_id)

        plan_name = self.plan_name

        price = self.price

        started_on: None | str
        if isinstance(self.started_on, datetime.date):
            started_on = self.started_on.isoformat()
        else:
            started_on = self.started_on

        status = self.status

        term_ends_on: None | str
        if isinstance(self.term_ends_on, datetime.date):
            term_ends_on = self.term_ends_on.isoformat()
        else:
            term_ends_on = self.term_ends_on

        up_kbps = self.up_kbps

        usage_kind = self.usage_kind

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "down_kbps": down_kbps,
                "ended_on": ended_on,
                "id": id,
                "period": period,
                "plan_id": plan_id,
                "plan_name": plan_name,
                "price": price,
                "started_on": started_on,
                "status": status,
                "term_ends_on": term_ends_on,
                "up_kbps": up_kbps,
                "usage_kind": usage_kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        down_kbps = d.pop("down_kbps")

        def _parse_ended_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_on_type_0 = datetime.date.fromisoformat(data)

                return ended_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        ended_on = _parse_ended_on(d.pop("ended_on"))

        id = UUID(d.pop("id"))

        period = d.pop("period")

        plan_id = UUID(d.pop("plan_id"))

        plan_name = d.pop("plan_name")

        price = d.pop("price")

        def _parse_started_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_on_type_0 = datetime.date.fromisoformat(data)

                return started_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        started_on = _parse_started_on(d.pop("started_on"))

        status = d.pop("status")

        def _parse_term_ends_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                term_ends_on_type_0 = datetime.date.fromisoformat(data)

                return term_ends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        term_ends_on = _parse_term_ends_on(d.pop("term_ends_on"))

        up_kbps = d.pop("up_kbps")

        usage_kind = d.pop("usage_kind")

        portal_subscription = cls(
            currency=currency,
            down_kbps=down_kbps,
            ended_on=ended_on,
            id=id,
            period=period,
            plan_id=plan_id,
            plan_name=plan_name,
            price=price,
            started_on=started_on,
            status=status,
            term_ends_on=term_ends_on,
            up_kbps=up_kbps,
            usage_kind=usage_kind,
        )

        portal_subscription.additional_properties = d
        return portal_subscription

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
