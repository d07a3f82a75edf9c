from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscriptionPublic")


@_attrs_define
class SubscriptionPublic:
    """A subscription; `out_of_sync` flags a network state that disagrees with billing.

    Attributes:
        customer_id (UUID):
        device_id (None | UUID):
        ended_on (datetime.date | None):
        id (UUID):
        if_index (int | None):
        plan_id (UUID):
        port (str):
        started_on (datetime.date | None):
        status (str):
        cap_throttled_period (datetime.date | None | Unset): first day of the billing period the GB-cap throttle holds
            for
        cap_throttled_since (datetime.date | None | Unset): day a GB-cap throttle was applied (null: none in force)
        network_jobs (list[UUID] | Unset): provisioning jobs queued by the latest transition that reached the network
            (follow them at GET /jobs/{id})
        network_problem (None | str | Unset):
        network_state (str | Unset):  Default: 'none'.
        out_of_sync (bool | Unset):  Default: False.
        term_ends_on (datetime.date | None | Unset): first day after the minimum term (null: no term); early termination
            before it costs the rest of the term
        term_waived_by (None | Unset | UUID):
    """

    customer_id: UUID
    device_id: None | UUID
    ended_on: datetime.date | None
    id: UUID
    if_index: int | None
    plan_id: UUID
    port: str
    started_on: datetime.date | None
    status: str
    cap_throttled_period: datetime.date | None | Unset = UNSET
    cap_throttled_since: datetime.date | None | Unset = UNSET
    network_jobs: list[UUID] | Unset = UNSET
    network_problem: None | str | Unset = UNSET
    network_state: str | Unset = "none"
    out_of_sync: bool | Unset = False
    term_ends_on: datetime.date | None | Unset = UNSET
    term_waived_by: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer_id = str(self.customer_id)

        device_id: None | str
        if isinstance(self.device_id, UUID):
            device_id = str(self.device_id)
        else:
            device_id = self.device_id

        ended_on: None | str
        if isinstance(self.ended_on, datetime.date):
            ended_on = self.ended_on.isoformat()
        else:
            ended_on = self.ended_on

        id = str(self.id)

        if_index: int | None
        if_index = self.if_index

        plan_id = str(self.plan_id)

        port = self.port

        started_on: None | str
        if isinstance(self.started_on, datetime.date):
            started_on = self.started_on.isoformat()
        else:
            started_on = self.started_on

        status = self.status

        cap_throttled_period: None | str | Unset
        if isinstance(self.cap_throttled_period, Unset):
            cap_throttled_period = UNSET
        elif isinstance(self.cap_throttled_period, datetime.date):
            cap_throttled_period = self.cap_throttled_period.isoformat()
        else:
            cap_throttled_period = self.cap_throttled_period

        cap_throttled_since: None | str | Unset
        if isinstance(self.cap_throttled_since, Unset):
            cap_throttled_since = UNSET
        elif isinstance(self.cap_throttled_since, datetime.date):
            cap_throttled_since = self.cap_throttled_since.isoformat()
        else:
            cap_throttled_since = self.cap_throttled_since

        network_jobs: list[str] | Unset = UNSET
        if not isinstance(self.network_jobs, Unset):
            network_jobs = []
            for network_jobs_item_data in self.network_jobs:
                network_jobs_item = str(network_jobs_item_data)
                network_jobs.append(network_jobs_item)

        network_problem: None | str | Unset
        if isinstance(self.network_problem, Unset):
            network_problem = UNSET
        else:
            network_problem = self.network_problem

        network_state = self.network_state

        out_of_sync = self.out_of_sync

        term_ends_on: None | str | Unset
        if isinstance(self.term_ends_on, Unset):
            term_ends_on = UNSET
        elif isinstance(self.term_ends_on, datetime.date):
            term_ends_on = self.term_ends_on.isoformat()
        else:
            term_ends_on = self.term_ends_on

        term_waived_by: None | str | Unset
        if isinstance(self.term_waived_by, Unset):
            term_waived_by = UNSET
        elif isinstance(self.term_waived_by, UUID):
            term_waived_by = str(self.term_waived_by)
        else:
            term_waived_by = self.term_waived_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer_id": customer_id,
                "device_id": device_id,
                "ended_on": ended_on,
                "id": id,
                "if_index": if_index,
                "plan_id": plan_id,
                "port": port,
                "started_on": started_on,
                "status": status,
            }
        )
        if cap_throttled_period is not UNSET:
            field_dict["cap_throttled_period"] = cap_throttled_period
        if cap_throttled_since is not UNSET:
            field_dict["cap_throttled_since"] = cap_throttled_since
        if network_jobs is not UNSET:
            field_dict["network_jobs"] = network_jobs
        if network_problem is not UNSET:
            field_dict["network_problem"] = network_problem
        if network_state is not UNSET:
            field_dict["network_state"] = network_state
        if out_of_sync is not UNSET:
            field_dict["out_of_sync"] = out_of_sync
        if term_ends_on is not UNSET:
            field_dict["term_ends_on"] = term_ends_on
        if term_waived_by is not UNSET:
            field_dict["term_waived_by"] = term_waived_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customer_id = UUID(d.pop("customer_id"))

        def _parse_device_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                device_id_type_0 = UUID(data)

                return device_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        device_id = _parse_device_id(d.pop("device_id"))

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

        def _parse_if_index(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        if_index = _parse_if_index(d.pop("if_index"))

        plan_id = UUID(d.pop("plan_id"))

        port = d.pop("port")

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

        def _parse_cap_throttled_period(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cap_throttled_period_type_0 = datetime.date.fromisoformat(data)

                return cap_throttled_period_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        cap_throttled_period = _parse_cap_throttled_period(d.pop("cap_throttled_period", UNSET))

        def _parse_cap_throttled_since(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cap_throttled_since_type_0 = datetime.date.fromisoformat(data)

                return cap_throttled_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        cap_throttled_since = _parse_cap_throttled_since(d.pop("cap_throttled_since", UNSET))

        _network_jobs = d.pop("network_jobs", UNSET)
        network_jobs: list[UUID] | Unset = UNSET
        if _network_jobs is not UNSET:
            network_jobs = []
            for network_jobs_item_data in _network_jobs:
                network_jobs_item = UUID(network_jobs_item_data)

                network_jobs.append(network_jobs_item)

        def _parse_network_problem(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        network_problem = _parse_network_problem(d.pop("network_problem", UNSET))

        network_state = d.pop("network_state", UNSET)

        out_of_sync = d.pop("out_of_sync", UNSET)

        def _parse_term_ends_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                term_ends_on_type_0 = datetime.date.fromisoformat(data)

                return term_ends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        term_ends_on = _parse_term_ends_on(d.pop("term_ends_on", UNSET))

        def _parse_term_waived_by(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                term_waived_by_type_0 = UUID(data)

                return term_waived_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        term_waived_by = _parse_term_waived_by(d.pop("term_waived_by", UNSET))

        subscription_public = cls(
            customer_id=customer_id,
            device_id=device_id,
            ended_on=ended_on,
            id=id,
            if_index=if_index,
            plan_id=plan_id,
            port=port,
            started_on=started_on,
            status=status,
            cap_throttled_period=cap_throttled_period,
            cap_throttled_since=cap_throttled_since,
            network_jobs=network_jobs,
            network_problem=network_problem,
            network_state=network_state,
            out_of_sync=out_of_sync,
            term_ends_on=term_ends_on,
            term_waived_by=term_waived_by,
        )

        subscription_public.additional_properties = d
        return subscription_public

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
