from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.plan_public_cap_action import PlanPublicCapAction
from ..models.plan_public_period import PlanPublicPeriod
from ..models.plan_public_radius_suspended_action_type_0 import PlanPublicRadiusSuspendedActionType0
from ..models.plan_public_usage_kind import PlanPublicUsageKind
from ..models.plan_public_usage_source import PlanPublicUsageSource
from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanPublic")


@_attrs_define
class PlanPublic:
    """One version of a plan (a price change is a new version, `family_id` shared).

    Attributes:
        archived_at (datetime.datetime | None):
        cap_action (PlanPublicCapAction):
        currency (str):
        down_kbps (int):
        effective_from (datetime.date | None): first day new subscriptions get this version (null: from the start)
        family_id (None | UUID): id of the plan's first version, shared by all its versions
        id (UUID):
        name (str):
        period (PlanPublicPeriod):
        price_minor (int):
        superseded_from (datetime.date | None): first day of the next version, if any
        up_kbps (int):
        version (int):
        cap_throttle_down_kbps (int | None | Unset): throttle plans: down rate over the cap
        cap_throttle_up_kbps (int | None | Unset): throttle plans: up rate over the cap
        committed_mbps (None | str | Unset):
        description (str | Unset):  Default: ''.
        gb_cap (None | str | Unset):
        minimum_term_periods (int | Unset):  Default: 0.
        overage_per_gb (None | str | Unset):
        price_per_mbps (None | str | Unset):
        radius_suspended_action (None | PlanPublicRadiusSuspendedActionType0 | Unset): RADIUS subscribers while
            suspended: reject the login, admit into the walled garden, or admit at the reduced rate; null: the suspension's
            mode decides (throttle: reduced rate, disconnect: reject) (docs/radius.md)
        setup_fee_minor (int | Unset):  Default: 0.
        usage_kind (PlanPublicUsageKind | Unset):  Default: PlanPublicUsageKind.NONE.
        usage_source (PlanPublicUsageSource | Unset): where GB usage is read from: snmp (the subscription's switch port
            counters) or radius (the accounting of its RADIUS sessions); radius needs usage_kind gb Default:
            PlanPublicUsageSource.SNMP.
    """

    archived_at: datetime.datetime | None
    cap_action: PlanPublicCapAction
    currency: str
    down_kbps: int
    effective_from: datetime.date | None
    family_id: None | UUID
    id: UUID
    name: str
    period: PlanPublicPeriod
    price_minor: int
    superseded_from: datetime.date | None
    up_kbps: int
    version: int
    cap_throttle_down_kbps: int | None | Unset = UNSET
    cap_throttle_up_kbps: int | None | Unset = UNSET
    committed_mbps: None | str | Unset = UNSET
    description: str | Unset = ""
    gb_cap: None | str | Unset = UNSET
    minimum_term_periods: int | Unset = 0
    overage_per_gb: None | str | Unset = UNSET
    price_per_mbps: None | str | Unset = UNSET
    radius_suspended_action: None | PlanPublicRadiusSuspendedActionType0 | Unset = UNSET
    setup_fee_minor: int | Unset = 0
    usage_kind: PlanPublicUsageKind | Unset = PlanPublicUsageKind.NONE
    usage_source: PlanPublicUsageSource | Unset = PlanPublicUsageSource.SNMP
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        archived_at: None | str
        if isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        cap_action = self.cap_action.value

        currency = self.currency

        down_kbps = self.down_kbps

        effective_from: None | str
        if isinstance(self.effective_from, datetime.date):
            effective_from = self.effective_from.isoformat()
        else:
            effective_from = self.effective_from

        family_id: None | str
        if isinstance(self.family_id, UUID):
            family_id = str(self.family_id)
        else:
            family_id = self.family_id

        id = str(self.id)

        name = self.name

        period = self.period.value

        price_minor = self.price_minor

        superseded_from: None | str
        if isinstance(self.superseded_from, datetime.date):
            superseded_from = self.superseded_from.isoformat()
        else:
            superseded_from = self.superseded_from

        up_kbps = self.up_kbps

        version = self.version

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

        committed_mbps: None | str | Unset
        if isinstance(self.committed_mbps, Unset):
            committed_mbps = UNSET
        else:
            committed_mbps = self.committed_mbps

        description = self.description

        gb_cap: None | str | Unset
        if isinstance(self.gb_cap, Unset):
            gb_cap = UNSET
        else:
            gb_cap = self.gb_cap

        minimum_term_periods = self.minimum_term_periods

        overage_per_gb: None | str | Unset
        if isinstance(self.overage_per_gb, Unset):
            overage_per_gb = UNSET
        else:
            overage_per_gb = self.overage_per_gb

        price_per_mbps: None | str | Unset
        if isinstance(self.price_per_mbps, Unset):
            price_per_mbps = UNSET
        else:
            price_per_mbps = self.price_per_mbps

        radius_suspended_action: None | str | Unset
        if isinstance(self.radius_suspended_action, Unset):
            radius_suspended_action = UNSET
        elif isinstance(self.radius_suspended_action, PlanPublicRadiusSuspendedActionType0):
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
                "archived_at": archived_at,
                "cap_action": cap_action,
                "currency": currency,
                "down_kbps": down_kbps,
                "effective_from": effective_from,
                "family_id": family_id,
                "id": id,
                "name": name,
                "period": period,
                "price_minor": price_minor,
                "superseded_from": superseded_from,
                "up_kbps": up_kbps,
                "version": version,
            }
        )
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

        def _parse_archived_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)

                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        archived_at = _parse_archived_at(d.pop("archived_at"))

        cap_action = PlanPublicCapAction(d.pop("cap_action"))

        currency = d.pop("currency")

        down_kbps = d.pop("down_kbps")

        def _parse_effective_from(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                effective_from_type_0 = datetime.date.fromisoformat(data)

                return effective_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        effective_from = _parse_effective_from(d.pop("effective_from"))

        def _parse_family_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                family_id_type_0 = UUID(data)

                return family_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        family_id = _parse_family_id(d.pop("family_id"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        period = PlanPublicPeriod(d.pop("period"))

        price_minor = d.pop("price_minor")

        def _parse_superseded_from(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                superseded_from_type_0 = datetime.date.fromisoformat(data)

                return superseded_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        superseded_from = _parse_superseded_from(d.pop("superseded_from"))

        up_kbps = d.pop("up_kbps")

        version = d.pop("version")

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

        def _parse_committed_mbps(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        committed_mbps = _parse_committed_mbps(d.pop("committed_mbps", UNSET))

        description = d.pop("description", UNSET)

        def _parse_gb_cap(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gb_cap = _parse_gb_cap(d.pop("gb_cap", UNSET))

        minimum_term_periods = d.pop("minimum_term_periods", UNSET)

        def _parse_overage_per_gb(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        overage_per_gb = _parse_overage_per_gb(d.pop("overage_per_gb", UNSET))

        def _parse_price_per_mbps(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        price_per_mbps = _parse_price_per_mbps(d.pop("price_per_mbps", UNSET))

        def _parse_radius_suspended_action(data: object) -> None | PlanPublicRadiusSuspendedActionType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                radius_suspended_action_type_0 = PlanPublicRadiusSuspendedActionType0(data)

                return radius_suspended_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanPublicRadiusSuspendedActionType0 | Unset, data)

        radius_suspended_action = _parse_radius_suspended_action(d.pop("radius_suspended_action", UNSET))

        setup_fee_minor = d.pop("setup_fee_minor", UNSET)

        _usage_kind = d.pop("usage_kind", UNSET)
        usage_kind: PlanPublicUsageKind | Unset
        if isinstance(_usage_kind, Unset):
            usage_kind = UNSET
        else:
            usage_kind = PlanPublicUsageKind(_usage_kind)

        _usage_source = d.pop("usage_source", UNSET)
        usage_source: PlanPublicUsageSource | Unset
        if isinstance(_usage_source, Unset):
            usage_source = UNSET
        else:
            usage_source = PlanPublicUsageSource(_usage_source)

        plan_public = cls(
            archived_at=archived_at,
            cap_action=cap_action,
            currency=currency,
            down_kbps=down_kbps,
            effective_from=effective_from,
            family_id=family_id,
            id=id,
            name=name,
            period=period,
            price_minor=price_minor,
            superseded_from=superseded_from,
            up_kbps=up_kbps,
            version=version,
            cap_throttle_down_kbps=cap_throttle_down_kbps,
            cap_throttle_up_kbps=cap_throttle_up_kbps,
            committed_mbps=committed_mbps,
            description=description,
            gb_cap=gb_cap,
            minimum_term_periods=minimum_term_periods,
            overage_per_gb=overage_per_gb,
            price_per_mbps=price_per_mbps,
            radius_suspended_action=radius_suspended_action,
            setup_fee_minor=setup_fee_minor,
            usage_kind=usage_kind,
            usage_source=usage_source,
        )

        plan_public.additional_properties = d
        return plan_public

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
