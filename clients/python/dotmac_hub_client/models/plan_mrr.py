from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PlanMrr")


@_attrs_define
class PlanMrr:
    """MRR contributed by the subscriptions on one plan.

    Attributes:
        mrr_minor (int):
        period (str):
        plan_id (UUID):
        plan_name (str):
        subscriptions (int):
    """

    mrr_minor: int
    period: str
    plan_id: UUID
    plan_name: str
    subscriptions: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mrr_minor = self.mrr_minor

        period = self.period

        plan_id = str(self.plan_id)

        plan_name = self.plan_name

        subscriptions = self.subscriptions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mrr_minor": mrr_minor,
                "period": period,
                "plan_id": plan_id,
                "plan_name": plan_name,
                "subscriptions": subscriptions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mrr_minor = d.pop("mrr_minor")

        period = d.pop("period")

        plan_id = UUID(d.pop("plan_id"))

        plan_name = d.pop("plan_name")

        subscriptions = d.pop("subscriptions")

        plan_mrr = cls(
            mrr_minor=mrr_minor,
            period=period,
            plan_id=plan_id,
            plan_name=plan_name,
            subscriptions=subscriptions,
        )

        plan_mrr.additional_properties = d
        return plan_mrr

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
