from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SessionPublic")


@_attrs_define
class SessionPublic:
    """A subscriber session as accounting reported it (octets are 64-bit totals).

    Attributes:
        acct_session_id (str):
        calling_station_id (None | str): the subscriber's MAC, as the NAS reports it
        counter_resets (int): times the NAS's counters went backwards
        delegated_ipv6_prefix (None | str):
        framed_ip_address (None | str):
        framed_ipv6_prefix (None | str):
        id (UUID):
        input_octets (int): from the subscriber (upload)
        input_packets (int):
        last_update_at (datetime.datetime):
        nas_id (UUID):
        nas_port_id (None | str):
        output_octets (int): to the subscriber (download)
        output_packets (int):
        session_time_s (int):
        started_at (datetime.datetime):
        stopped_at (datetime.datetime | None): null while online
        subscription_id (None | UUID): null when the username matches no subscriber credential
        terminate_cause (None | str):
        username (str):
    """

    acct_session_id: str
    calling_station_id: None | str
    counter_resets: int
    delegated_ipv6_prefix: None | str
    framed_ip_address: None | str
    framed_ipv6_prefix: None | str
    id: UUID
    input_octets: int
    input_packets: int
    last_update_at: datetime.datetime
    nas_id: UUID
    nas_port_id: None | str
    output_octets: int
    output_packets: int
    session_time_s: int
    started_at: datetime.datetime
    stopped_at: datetime.datetime | None
    subscription_id: None | UUID
    terminate_cause: None | str
    username: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        acct_session_id = self.acct_session_id

        calling_station_id: None | str
        calling_station_id = self.calling_station_id

        counter_resets = self.counter_resets

        delegated_ipv6_prefix: None | str
        delegated_ipv6_prefix = self.delegated_ipv6_prefix

        framed_ip_address: None | str
        framed_ip_address = self.framed_ip_address

        framed_ipv6_prefix: None | str
        framed_ipv6_prefix = self.framed_ipv6_prefix

        id = str(self.id)

        input_octets = self.input_octets

        input_packets = self.input_packets

        last_update_at = self.last_update_at.isoformat()

        nas_id = str(self.nas_id)

        nas_port_id: None | str
        nas_port_id = self.nas_port_id

        output_octets = self.output_octets

        output_packets = self.output_packets

        session_time_s = self.session_time_s

        started_at = self.started_at.isoformat()

        stopped_at: None | str
        if isinstance(self.stopped_at, datetime.datetime):
            stopped_at = self.stopped_at.isoformat()
        else:
            stopped_at = self.stopped_at

        subscription_id: None | str
        if isinstance(self.subscription_id, UUID):
            subscription_id = str(self.subscription_id)
        else:
            subscription_id = self.subscription_id

        terminate_cause: None | str
        terminate_cause = self.terminate_cause

        username = self.username

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "acct_session_id": acct_session_id,
                "calling_station_id": calling_station_id,
                "counter_resets": counter_resets,
                "delegated_ipv6_prefix": delegated_ipv6_prefix,
                "framed_ip_address": framed_ip_address,
                "framed_ipv6_prefix": framed_ipv6_prefix,
                "id": id,
                "input_octets": input_octets,
                "input_packets": input_packets,
                "last_update_at": last_update_at,
                "nas_id": nas_id,
                "nas_port_id": nas_port_id,
                "output_octets": output_octets,
                "output_packets": output_packets,
                "session_time_s": session_time_s,
                "started_at": started_at,
                "stopped_at": stopped_at,
                "subscription_id": subscription_id,
                "terminate_cause": terminate_cause,
                "username": username,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        acct_session_id = d.pop("acct_session_id")

        def _parse_calling_station_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        calling_station_id = _parse_calling_station_id(d.pop("calling_station_id"))

        counter_resets = d.pop("counter_resets")

        def _parse_delegated_ipv6_prefix(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        delegated_ipv6_prefix = _parse_delegated_ipv6_prefix(d.pop("delegated_ipv6_prefix"))

        def _parse_framed_ip_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        framed_ip_address = _parse_framed_ip_address(d.pop("framed_ip_address"))

        def _parse_framed_ipv6_prefix(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        framed_ipv6_prefix = _parse_framed_ipv6_prefix(d.pop("framed_ipv6_prefix"))

        id = UUID(d.pop("id"))

        input_octets = d.pop("input_octets")

        input_packets = d.pop("input_packets")

        last_update_at = datetime.datetime.fromisoformat(d.pop("last_update_at"))

        nas_id = UUID(d.pop("nas_id"))

        def _parse_nas_port_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        nas_port_id = _parse_nas_port_id(d.pop("nas_port_id"))

        output_octets = d.pop("output_octets")

        output_packets = d.pop("output_packets")

        session_time_s = d.pop("session_time_s")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        def _parse_stopped_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                stopped_at_type_0 = datetime.datetime.fromisoformat(data)

                return stopped_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        stopped_at = _parse_stopped_at(d.pop("stopped_at"))

        def _parse_subscription_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                subscription_id_type_0 = UUID(data)

                return subscription_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        subscription_id = _parse_subscription_id(d.pop("subscription_id"))

        def _parse_terminate_cause(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        terminate_cause = _parse_terminate_cause(d.pop("terminate_cause"))

        username = d.pop("username")

        session_public = cls(
            acct_session_id=acct_session_id,
            calling_station_id=calling_station_id,
            counter_resets=counter_resets,
            delegated_ipv6_prefix=delegated_ipv6_prefix,
            framed_ip_address=framed_ip_address,
            framed_ipv6_prefix=framed_ipv6_prefix,
            id=id,
            input_octets=input_octets,
            input_packets=input_packets,
            last_update_at=last_update_at,
            nas_id=nas_id,
            nas_port_id=nas_port_id,
            output_octets=output_octets,
            output_packets=output_packets,
            session_time_s=session_time_s,
            started_at=started_at,
            stopped_at=stopped_at,
            subscription_id=subscription_id,
            terminate_cause=terminate_cause,
            username=username,
        )

        session_public.additional_properties = d
        return session_public

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
