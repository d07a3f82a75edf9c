from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.plan_create_cap_action_type_0 import PlanCreateCapActionType0
from ..models.plan_create_period import PlanCreatePeriod
from ..models.plan_create_radius_suspended_action_type_0 import PlanCreateRadiusSuspendedActionType0
from ..models.plan_create_usage_kind import PlanCreateUsageKind
from ..models.plan_create_usage_source import PlanCreateUsageSource
from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanCreate")


@_attrs_define
class PlanCreate:
    """A new plan; prices in minor units, usage rates as decimals. The price is for one
    billing period: a calendar month, quarter or year.

        Attributes:
            currency (str):
            down_kbps (int):
            name (str):
            price_minor (int):
            up_kbps (int):
            cap_action (None | PlanCreateCapActionType0 | Unset): what the gb_cap does: overage bills the GB above it,
                throttle slows the subscriber to the cap throttle rates until the period ends, overage_and_throttle both, none
                nothing; null: overage on gb plans, none otherwise
            cap_throttle_down_kbps (int | None | Unset): throttle plans: down rate over the cap
            cap_throttle_up_kbps (int | None | Unset): throttle plans: up rate over the cap
            committed_mbps (float | None | str | Unset):
            description (str | Unset):  Default: ''.
            gb_cap (float | None | str | Unset):
            minimum_term_periods (int | Unset):  Default: 0.
            overage_per_gb (float | None | str | Unset):
            period (PlanCreatePeriod | Unset):  Default: PlanCreatePeriod.MONTH.
            price_per_mbps (float | None | str | Unset):
            radius_suspended_action (None | PlanCreateRadiusSuspendedActionType0 | Unset): RADIUS subscribers while
                suspended: reject the login, admit into the walled garden, or admit at the reduced rate; null: the suspension's
                mode decides (throttle: reduced rate, disconnect: reject) (docs/radius.md)
            setup_fee_minor (int | Unset):  Default: 0.
            usage_kind (PlanCreateUsageKind | Unset):  Default: PlanCreateUsageKind.NONE.
            usage_source (PlanCreateUsageSource | Unset): where GB usage is read from: snmp (the subscription's switch port
                counters) or radius (the accounting of its RADIUS sessions); radius needs usage_kind gb Default:
                PlanCreateUsageSource.SNMP.
    """

    currency: str
    down_kbps: int
    name: str
    price_minor: int
    up_kbps: int
    cap_action: None | PlanCreateCapActionType0 | Unset = UNSET
    cap_throttle_down_kbps: int | None | Unset = UNSET
    cap_throttle_up_kbps: int | None | Unset = UNSET
    committed_mbps: float | None | str | Unset = UNSET
    description: str | Unset = ""
    gb_cap: float | None | str | Unset = UNSET
    minimum_term_periods: int | Unset = 0
    overage_per_gb: float | None | str | Unset = UNSET
    period: PlanCreatePeriod | Unset = PlanCreatePeriod.MONTH
    price_per_mbps: float | None | str | Unset = UNSET
    radius_suspended_action: None | PlanCreateRadiusSuspendedActionType0 | Unset = UNSET
    setup_fee_minor: int | Unset = 0
    usage_kind: PlanCreateUsageKind | Unset = PlanCreateUsageKind.NONE
    usage_source: PlanCreateUsageSource | Unset = PlanCreateUsageSource.SNMP
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        down_kbps = self.down_kbps

        name = self.name

        price_minor = self.price_minor

        up_kbps = self.up_kbps

        cap_action: None | str | Unset
        if isinstance(self.cap_action, Unset):
            cap_action = UNSET
        elif isinstance(self.cap_action, PlanCreateCapActionType0):
            cap_action = self.cap_action.value
        else:
            cap_action = self.cap_action

        cap_throttle_down_kbps: int | None | Unset
        if isinstance(self.cap_throttle_down_kbps, Unset):
            cap_throttle_down_kbps = UNSET
        else:
            cap_throttle_down_kbps = self.cap_throttle_down_kbps

        cap_throttle_up_kbps: int | None | Unset
        if isinstance(self.cap_throttle_up_kbps, Unset):
            cap_throttle_up_kbps = UNSET
        else:
            cap_throttle_up_kbps = self.cap_throttle_up_kbps

        committed_mbps: float | None | str | Unset
        if isinstance(self.committed_mbps, Unset):
            committed_mbps = UNSET
        else:
            committed_mbps = self.committed_mbps

        description = self.description

        gb_cap: float | None | str | Unset
        if isinstance(self.gb_cap, Unset):
            gb_cap = UNSET
        else:
            gb_cap = self.gb_cap

        minimum_term_periods = self.minimum_term_periods

        overage_per_gb: float | None | str | Unset
        if isinstance(self.overage_per_gb, Unset):
            overage_per_gb = UNSET
        else:
            overage_per_gb = self.overage_per_gb

        period: str | Unset = UNSET
        if not isinstance(self.period, Unset):
            period = self.period.value

        price_per_mbps: float | None | str | Unset
        if isinstance(self.price_per_mbps, Unset):
            price_per_mbps = UNSET
        else:
            price_per_mbps = self.price_per_mbps

        radius_suspended_action: None | str | Unset
        if isinstance(self.radius_suspended_action, Unset):
            radius_suspended_action = UNSET
        elif isinstance(self.radius_suspended_action, PlanCreateRadiusSuspendedActionType0):
            radius_suspended_action = self.radius_suspended_action.value
        else:
            radius_suspended_action = self.radius_suspended_action

        setup_fee_minor = self.setup_fee_minor

        usage_kind: str | Unset = UNSET
        if not isinstance(self.usage_kind, Unset):
            usage_kind = self.usage_kind.value

        usage_source: str | Unset = UNSET
        if not isinstance(self.usage_source, Unset):
            usage_source = self.usage_source.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "down_kbps": down_kbps,
                "name": name,
                "price_minor": price_minor,
                "up_kbps": up_kbps,
            }
        )
        if cap_action is not UNSET:
            field_dict["cap_action"] = cap_action
        if cap_throttle_down_kbps is not UNSET:
            field_dict["cap_throttle_down_kbps"] = cap_throttle_down_kbps
        if cap_throttle_up_kbps is not UNSET:
            field_dict["cap_throttle_up_kbps"] = cap_throttle_up_kbps
        if committed_mbps is not UNSET:
            field_dict["committed_mbps"] = committed_mbps
        if description is not UNSET:
            field_dict["description"] = description
        if gb_cap is not UNSET:
            field_dict["gb_cap"] = gb_cap
        if minimum_term_periods is not UNSET:
            field_dict["minimum_term_periods"] = minimum_term_periods
        if overage_per_gb is not UNSET:
            field_dict["overage_per_gb"] = overage_per_gb
        if period is not UNSET:
            field_dict["period"] = period
        if price_per_mbps is not UNSET:
            field_dict["price_per_mbps"] = price_per_mbps
        if radius_suspended_action is not UNSET:
            field_dict["radius_suspended_action"] = radius_suspended_action
        if setup_fee_minor is not UNSET:
            field_dict["setup_fee_minor"] = setup_fee_minor
        if usage_kind is not UNSET:
            field_dict["usage_kind"] = usage_kind
        if usage_source is not UNSET:
            field_dict["usage_source"] = usage_source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        down_kbps = d.pop("down_kbps")

        name = d.pop("name")

        price_minor = d.pop("price_minor")

        up_kbps = d.pop("up_kbps")

        def _parse_cap_action(data: object) -> None | PlanCreateCapActionType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cap_action_type_0 = PlanCreateCapActionType0(data)

                return cap_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanCreateCapActionType0 | Unset, data)

        cap_action = _parse_cap_action(d.pop("cap_action", UNSET))

        def _parse_cap_throttle_down_kbps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cap_throttle_down_kbps = _parse_cap_throttle_down_kbps(d.pop("cap_throttle_down_kbps", UNSET))

        def _parse_cap_throttle_up_kbps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cap_throttle_up_kbps = _parse_cap_throttle_up_kbps(d.pop("cap_throttle_up_kbps", UNSET))

        def _parse_committed_mbps(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        committed_mbps = _parse_committed_mbps(d.pop("committed_mbps", UNSET))

        description = d.pop("description", UNSET)

        def _parse_gb_cap(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        gb_cap = _parse_gb_cap(d.pop("gb_cap", UNSET))

        minimum_term_periods = d.pop("minimum_term_periods", UNSET)

        def _parse_overage_per_gb(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        overage_per_gb = _parse_overage_per_gb(d.pop("overage_per_gb", UNSET))

        _period = d.pop("period", UNSET)
        period: PlanCreatePeriod | Unset
        if isinstance(_period, Unset):
            period = UNSET
        else:
            period = PlanCreatePeriod(_period)

        def _parse_price_per_mbps(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        price_per_mbps = _parse_price_per_mbps(d.pop("price_per_mbps", UNSET))

        def _parse_radius_suspended_action(data: object) -> None | PlanCreateRadiusSuspendedActionType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                radius_suspended_action_type_0 = PlanCreateRadiusSuspendedActionType0(data)

                return radius_suspended_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanCreateRadiusSuspendedActionType0 | Unset, data)

        radius_suspended_action = _parse_radius_suspended_action(d.pop("radius_suspended_action", UNSET))

        setup_fee_minor = d.pop("setup_fee_minor", UNSET)

        _usage_kind = d.pop("usage_kind", UNSET)
        usage_kind: PlanCreateUsageKind | Unset
        if isinstance(_usage_kind, Unset):
            usage_kind = UNSET
        else:
            usage_kind = PlanCreateUsageKind(_usage_kind)

        _usage_source = d.pop("usage_source", UNSET)
        usage_source: PlanCreateUsageSource | Unset
        if isinstance(_usage_source, Unset):
            usage_source = UNSET
        else:
            usage_source = PlanCreateUsageSource(_usage_source)

        plan_create = cls(
            currency=currency,
            down_kbps=down_kbps,
            name=name,
            price_minor=price_minor,
            up_kbps=up_kbps,
            cap_action=cap_action,
            cap_throttle_down_kbps=cap_throttle_down_kbps,
            cap_throttle_up_kbps=cap_throttle_up_kbps,
            committed_mbps=committed_mbps,
            description=description,
            gb_cap=gb_cap,
            minimum_term_periods=minimum_term_periods,
            overage_per_gb=overage_per_gb,
            period=period,
            price_per_mbps=price_per_mbps,
            radius_suspended_action=radius_suspended_action,
            setup_fee_minor=setup_fee_minor,
            usage_kind=usage_kind,
            usage_source=usage_source,
        )

        plan_create.additional_properties = d
        return plan_create

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
