from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.utilization import Utilization


T = TypeVar("T", bound="UtilizationPublic")


@_attrs_define
class UtilizationPublic:
    """Every pool of the tenant, address pools then VLAN pools.

    Attributes:
        pools (list[Utilization]):
        vlan_pools (list[Utilization]):
    """

    pools: list[Utilization]
    vlan_pools: list[Utilization]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pools = []
        for pools_item_data in self.pools:
            pools_item = pools_item_data.to_dict()
            pools.append(pools_item)

        vlan_pools = []
        for vlan_pools_item_data in self.vlan_pools:
            vlan_pools_item = vlan_pools_item_data.to_dict()
            vlan_pools.append(vlan_pools_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pools": pools,
                "vlan_pools": vlan_pools,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.utilization import Utilization  # noqa: PLC0415

        d = dict(src_dict)
        pools = []
        _pools = d.pop("pools")
        for pools_item_data in _pools:
            pools_item = Utilization.from_dict(pools_item_data)

            pools.append(pools_item)

        vlan_pools = []
        _vlan_pools = d.pop("vlan_pools")
        for vlan_pools_item_data in _vlan_pools:
            vlan_pools_item = Utilization.from_dict(vlan_pools_item_data)

            vlan_pools.append(vlan_pools_item)

        utilization_public = cls(
            pools=pools,
            vlan_pools=vlan_pools,
        )

        utilization_public.additional_properties = d
        return utilization_public

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
