from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.usage_day import UsageDay


T = TypeVar("T", bound="UsagePublic")


@_attrs_define
class UsagePublic:
    """What a subscription carried in [from, to) on the days it was in service (from its
    start, before its end), read from the same 5-minute rollups and by the same rules
    billing rates usage with (docs/billing.md, docs/analytics.md).

        Attributes:
            days (list[UsageDay]): days with data only, oldest first
            end (datetime.date): the day after the period (the `to` asked, exclusive)
            start (datetime.date): first day of the period (the `from` asked)
            subscription_id (UUID):
            usage_kind (str):
            used_gb (str): (in + out octets) / 1e9 over the period
            billable_mbps (None | str | Unset): p95 plans: max(in, out)
            committed_mbps (None | str | Unset):
            gb_cap (None | str | Unset): gb plans: the cap per billing period
            over_gb (None | str | Unset): gb plans: used above the cap
            over_mbps (None | str | Unset): p95 plans: billable above committed
            p95_in_mbps (None | str | Unset): p95 plans: 95th percentile in
            p95_out_mbps (None | str | Unset): p95 plans: 95th percentile out
    """

    days: list[UsageDay]
    end: datetime.date
    start: datetime.date
    subscription_id: UUID
    usage_kind: str
    used_gb: str
    billable_mbps: None | str | Unset = UNSET
    committed_mbps: None | str | Unset = UNSET
    gb_cap: None | str | Unset = UNSET
    over_gb: None | str | Unset = UNSET
    over_mbps: None | str | Unset = UNSET
    p95_in_mbps: None | str | Unset = UNSET
    p95_out_mbps: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)

        end = self.end.isoformat()

        start = self.start.isoformat()

        subscription_id = str(self.subscription_id)

        usage_kind = self.usage_kind

        used_gb = self.used_gb

        billable_mbps: None | str | Unset
        if isinstance(self.billable_mbps, Unset):
            billable_mbps = UNSET
        else:
            billable_mbps = self.billable_mbps

        committed_mbps: None | str | Unset
        if isinstance(self.committed_mbps, Unset):
            committed_mbps = UNSET
        else:
            committed_mbps = self.committed_mbps

        gb_cap: None | str | Unset
        if isinstance(self.gb_cap, Unset):
            gb_cap = UNSET
        else:
            gb_cap = self.gb_cap

        over_gb: None | str | Unset
        if isinstance(self.over_gb, Unset):
            over_gb = UNSET
        else:
            over_gb = self.over_gb

        over_mbps: None | str | Unset
        if isinstance(self.over_mbps, Unset):
            over_mbps = UNSET
        else:
            over_mbps = self.over_mbps

        p95_in_mbps: None | str | Unset
        if isinstance(self.p95_in_mbps, Unset):
            p95_in_mbps = UNSET
        else:
            p95_in_mbps = self.p95_in_mbps

        p95_out_mbps: None | str | Unset
        if isinstance(self.p95_out_mbps, Unset):
            p95_out_mbps = UNSET
        else:
            p95_out_mbps = self.p95_out_mbps

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "days": days,
                "end": end,
                "start": start,
                "subscription_id": subscription_id,
                "usage_kind": usage_kind,
                "used_gb": used_gb,
            }
        )
        if billable_mbps is not UNSET:
            field_dict["billable_mbps"] = billable_mbps
        if committed_mbps is not UNSET:
            field_dict["committed_mbps"] = committed_mbps
        if gb_cap is not UNSET:
            field_dict["gb_cap"] = gb_cap
        if over_gb is not UNSET:
            field_dict["over_gb"] = over_gb
        if over_mbps is not UNSET:
            field_dict["over_mbps"] = over_mbps
        if p95_in_mbps is not UNSET:
            field_dict["p95_in_mbps"] = p95_in_mbps
        if p95_out_mbps is not UNSET:
            field_dict["p95_out_mbps"] = p95_out_mbps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_day import UsageDay  # noqa: PLC0415

        d = dict(src_dict)
        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = UsageDay.from_dict(days_item_data)

            days.append(days_item)

        end = datetime.date.fromisoformat(d.pop("end"))

        start = datetime.date.fromisoformat(d.pop("start"))

        subscription_id = UUID(d.pop("subscription_id"))

        usage_kind = d.pop("usage_kind")

        used_gb = d.pop("used_gb")

        def _parse_billable_mbps(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        billable_mbps = _parse_billable_mbps(d.pop("billable_mbps", UNSET))

        def _parse_committed_mbps(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        committed_mbps = _parse_committed_mbps(d.pop("committed_mbps", UNSET))

        def _parse_gb_cap(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gb_cap = _parse_gb_cap(d.pop("gb_cap", UNSET))

        def _parse_over_gb(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        over_gb = _parse_over_gb(d.pop("over_gb", UNSET))

        def _parse_over_mbps(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        over_mbps = _parse_over_mbps(d.pop("over_mbps", UNSET))

        def _parse_p95_in_mbps(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        p95_in_mbps = _parse_p95_in_mbps(d.pop("p95_in_mbps", UNSET))

        def _parse_p95_out_mbps(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        p95_out_mbps = _parse_p95_out_mbps(d.pop("p95_out_mbps", UNSET))

        usage_public = cls(
            days=days,
            end=end,
            start=start,
            subscription_id=subscription_id,
            usage_kind=usage_kind,
            used_gb=used_gb,
            billable_mbps=billable_mbps,
            committed_mbps=committed_mbps,
            gb_cap=gb_cap,
            over_gb=over_gb,
            over_mbps=over_mbps,
            p95_in_mbps=p95_in_mbps,
            p95_out_mbps=p95_out_mbps,
        )

        usage_public.additional_properties = d
        return usage_public

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
