from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.period import Period
    from ..models.traffic_point import TrafficPoint


T = TypeVar("T", bound="TrafficSeries")


@_attrs_define
class TrafficSeries:
    """Traffic of one interface over a period; buckets without data are absent.

    Attributes:
        device (str):
        if_index (int):
        name (None | str):
        period (Period): The half-open UTC period [start, end) an answer covers.
        points (list[TrafficPoint]):
        speed_bps (int | None):
        step_s (int | Unset):  Default: 300.
    """

    device: str
    if_index: int
    name: None | str
    period: Period
    points: list[TrafficPoint]
    speed_bps: int | None
    step_s: int | Unset = 300
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        device = self.device

        if_index = self.if_index

        name: None | str
        name = self.name

        period = self.period.to_dict()

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        speed_bps: int | None
        speed_bps = self.speed_bps

        step_s = self.step_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "device": device,
                "if_index": if_index,
                "name": name,
                "period": period,
                "points": points,
                "speed_bps": speed_bps,
            }
        )
        if step_s is not UNSET:
            field_dict["step_s"] = step_s

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.period import Period  # noqa: PLC0415
        from ..models.traffic_point import TrafficPoint  # noqa: PLC0415

        d = dict(src_dict)
        device = d.pop("device")

        if_index = d.pop("if_index")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        period = Period.from_dict(d.pop("period"))

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = TrafficPoint.from_dict(points_item_data)

            points.append(points_item)

        def _parse_speed_bps(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        speed_bps = _parse_speed_bps(d.pop("speed_bps"))

        step_s = d.pop("step_s", UNSET)

        traffic_series = cls(
            device=device,
            if_index=if_index,
            name=name,
            period=period,
            points=points,
            speed_bps=speed_bps,
            step_s=step_s,
        )

        traffic_series.additional_properties = d
        return traffic_series

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
