from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InterfaceUtilisation")


@_attrs_define
class InterfaceUtilisation:
    """One interface's average and peak use over a period.

    Attributes:
        avg_in_bps (float):
        avg_out_bps (float):
        device (str):
        if_index (int):
        name (str):
        peak_bps (float):
        speed_bps (int):
        utilisation_pct (float): max(avg in, avg out) / speed x 100
    """

    avg_in_bps: float
    avg_out_bps: float
    device: str
    if_index: int
    name: str
    peak_bps: float
    speed_bps: int
    utilisation_pct: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        avg_in_bps = self.avg_in_bps

        avg_out_bps = self.avg_out_bps

        device = self.device

        if_index = self.if_index

        name = self.name

        peak_bps = self.peak_bps

        speed_bps = self.speed_bps

        utilisation_pct = self.utilisation_pct

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "avg_in_bps": avg_in_bps,
                "avg_out_bps": avg_out_bps,
                "device": device,
                "if_index": if_index,
                "name": name,
                "peak_bps": peak_bps,
                "speed_bps": speed_bps,
                "utilisation_pct": utilisation_pct,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        avg_in_bps = d.pop("avg_in_bps")

        avg_out_bps = d.pop("avg_out_bps")

        device = d.pop("device")

        if_index = d.pop("if_index")

        name = d.pop("name")

        peak_bps = d.pop("peak_bps")

        speed_bps = d.pop("speed_bps")

        utilisation_pct = d.pop("utilisation_pct")

        interface_utilisation = cls(
            avg_in_bps=avg_in_bps,
            avg_out_bps=avg_out_bps,
            device=device,
            if_index=if_index,
            name=name,
            peak_bps=peak_bps,
            speed_bps=speed_bps,
            utilisation_pct=utilisation_pct,
        )

        interface_utilisation.additional_properties = d
        return interface_utilisation

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
