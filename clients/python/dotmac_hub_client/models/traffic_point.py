from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TrafficPoint")


@_attrs_define
class TrafficPoint:
    """One 5-minute bucket of one interface.

    Attributes:
        in_bps (float):
        in_errors (int):
        in_utilisation_pct (float | None): null when the speed is unknown
        out_bps (float):
        out_errors (int):
        out_utilisation_pct (float | None):
        ts (datetime.datetime): bucket start (UTC, 5-minute aligned)
    """

    in_bps: float
    in_errors: int
    in_utilisation_pct: float | None
    out_bps: float
    out_errors: int
    out_utilisation_pct: float | None
    ts: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        in_bps = self.in_bps

        in_errors = self.in_errors

        in_utilisation_pct: float | None
        in_utilisation_pct = self.in_utilisation_pct

        out_bps = self.out_bps

        out_errors = self.out_errors

        out_utilisation_pct: float | None
        out_utilisation_pct = self.out_utilisation_pct

        ts = self.ts.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "in_bps": in_bps,
                "in_errors": in_errors,
                "in_utilisation_pct": in_utilisation_pct,
                "out_bps": out_bps,
                "out_errors": out_errors,
                "out_utilisation_pct": out_utilisation_pct,
                "ts": ts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        in_bps = d.pop("in_bps")

        in_errors = d.pop("in_errors")

        def _parse_in_utilisation_pct(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        in_utilisation_pct = _parse_in_utilisation_pct(d.pop("in_utilisation_pct"))

        out_bps = d.pop("out_bps")

        out_errors = d.pop("out_errors")

        def _parse_out_utilisation_pct(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        out_utilisation_pct = _parse_out_utilisation_pct(d.pop("out_utilisation_pct"))

        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        traffic_point = cls(
            in_bps=in_bps,
            in_errors=in_errors,
            in_utilisation_pct=in_utilisation_pct,
            out_bps=out_bps,
            out_errors=out_errors,
            out_utilisation_pct=out_utilisation_pct,
            ts=ts,
        )

        traffic_point.additional_properties = d
        return traffic_point

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
