from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.period import Period


T = TypeVar("T", bound="Percentile95Public")


@_attrs_define
class Percentile95Public:
    """95th percentile billing of one interface (docs/analytics.md has the definition).

    Attributes:
        billable_bps (float | None): max(p95 in, p95 out)
        buckets (int): 5-minute buckets with data in the period
        device (str):
        if_index (int):
        p95_in_bps (float | None):
        p95_out_bps (float | None):
        period (Period): The half-open UTC period [start, end) an answer covers.
    """

    billable_bps: float | None
    buckets: int
    device: str
    if_index: int
    p95_in_bps: float | None
    p95_out_bps: float | None
    period: Period
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        billable_bps: float | None
        billable_bps = self.billable_bps

        buckets = self.buckets

        device = self.device

        if_index = self.if_index

        p95_in_bps: float | None
        p95_in_bps = self.p95_in_bps

        p95_out_bps: float | None
        p95_out_bps = self.p95_out_bps

        period = self.period.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "billable_bps": billable_bps,
                "buckets": buckets,
                "device": device,
                "if_index": if_index,
                "p95_in_bps": p95_in_bps,
                "p95_out_bps": p95_out_bps,
                "period": period,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.period import Period  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_billable_bps(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        billable_bps = _parse_billable_bps(d.pop("billable_bps"))

        buckets = d.pop("buckets")

        device = d.pop("device")

        if_index = d.pop("if_index")

        def _parse_p95_in_bps(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p95_in_bps = _parse_p95_in_bps(d.pop("p95_in_bps"))

        def _parse_p95_out_bps(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p95_out_bps = _parse_p95_out_bps(d.pop("p95_out_bps"))

        period = Period.from_dict(d.pop("period"))

        percentile_95_public = cls(
            billable_bps=billable_bps,
            buckets=buckets,
            device=device,
            if_index=if_index,
            p95_in_bps=p95_in_bps,
            p95_out_bps=p95_out_bps,
            period=period,
        )

        percentile_95_public.additional_properties = d
        return percentile_95_public

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
