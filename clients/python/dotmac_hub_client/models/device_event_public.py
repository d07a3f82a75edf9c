from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.device_event_public_severity import DeviceEventPublicSeverity

if TYPE_CHECKING:
    from ..models.device_event_public_labels import DeviceEventPublicLabels


T = TypeVar("T", bound="DeviceEventPublic")


@_attrs_define
class DeviceEventPublic:
    """A trap or syslog line an agent received, as the hub stored it.

    Attributes:
        agent_id (UUID):
        count (int): identical events folded into this one
        device_id (None | UUID):
        device_name (None | str):
        device_time (datetime.datetime | None):
        event_id (UUID):
        event_type (str):
        id (UUID):
        ingested_at (datetime.datetime):
        labels (DeviceEventPublicLabels):
        origin (str): snmp_trap or syslog
        raw (str):
        received_at (datetime.datetime):
        rule (None | str):
        severity (DeviceEventPublicSeverity):
        site_id (UUID):
        source (str):
    """

    agent_id: UUID
    count: int
    device_id: None | UUID
    device_name: None | str
    device_time: datetime.datetime | None
    event_id: UUID
    event_type: str
    id: UUID
    ingested_at: datetime.datetime
    labels: DeviceEventPublicLabels
    origin: str
    raw: str
    received_at: datetime.datetime
    rule: None | str
    severity: DeviceEventPublicSeverity
    site_id: UUID
    source: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id = str(self.agent_id)

        count = self.count

        device_id: None | str
        if isinstance(self.device_id, UUID):
            device_id = str(self.device_id)
        else:
            device_id = self.device_id

        device_name: None | str
        device_name = self.device_name

        device_time: None | str
        if isinstance(self.device_time, datetime.datetime):
            device_time = self.device_time.isoformat()
        else:
            device_time = self.device_time

        event_id = str(self.event_id)

        event_type = self.event_type

        id = str(self.id)

        ingested_at = self.ingested_at.isoformat()

        labels = self.labels.to_dict()

        origin = self.origin

        raw = self.raw

        received_at = self.received_at.isoformat()

        rule: None | str
        rule = self.rule

        severity = self.severity.value

        site_id = str(self.site_id)

        source = self.source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_id": agent_id,
                "count": count,
                "device_id": device_id,
                "device_name": device_name,
                "device_time": device_time,
                "event_id": event_id,
                "event_type": event_type,
                "id": id,
                "ingested_at": ingested_at,
                "labels": labels,
                "origin": origin,
                "raw": raw,
                "received_at": received_at,
                "rule": rule,
                "severity": severity,
                "site_id": site_id,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.device_event_public_labels import DeviceEventPublicLabels  # noqa: PLC0415

        d = dict(src_dict)
        agent_id = UUID(d.pop("agent_id"))

        count = d.pop("count")

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

        def _parse_device_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        device_name = _parse_device_name(d.pop("device_name"))

        def _parse_device_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                device_time_type_0 = datetime.datetime.fromisoformat(data)

                return device_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        device_time = _parse_device_time(d.pop("device_time"))

        event_id = UUID(d.pop("event_id"))

        event_type = d.pop("event_type")

        id = UUID(d.pop("id"))

        ingested_at = datetime.datetime.fromisoformat(d.pop("ingested_at"))

        labels = DeviceEventPublicLabels.from_dict(d.pop("labels"))

        origin = d.pop("origin")

        raw = d.pop("raw")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        def _parse_rule(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule = _parse_rule(d.pop("rule"))

        severity = DeviceEventPublicSeverity(d.pop("severity"))

        site_id = UUID(d.pop("site_id"))

        source = d.pop("source")

        device_event_public = cls(
            agent_id=agent_id,
            count=count,
            device_id=device_id,
            device_name=device_name,
            device_time=device_time,
            event_id=event_id,
            event_type=event_type,
            id=id,
            ingested_at=ingested_at,
            labels=labels,
            origin=origin,
            raw=raw,
            received_at=received_at,
            rule=rule,
            severity=severity,
            site_id=site_id,
            source=source,
        )

        device_event_public.additional_properties = d
        return device_event_public

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
