from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alarm_public_severity import AlarmPublicSeverity
from ..models.alarm_public_state import AlarmPublicState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.impact_public import ImpactPublic


T = TypeVar("T", bound="AlarmPublic")


@_attrs_define
class AlarmPublic:
    """An alarm: one condition of one thing (device, port, agent, hub) and its lifecycle.

    `*_by` name who did it: a user's e-mail, `api key <name>`, or `system`.

        Attributes:
            acknowledged_at (datetime.datetime | None):
            acknowledged_by (None | str):
            agent_id (None | UUID):
            alarm_type (str):
            cleared_at (datetime.datetime | None):
            cleared_by (None | str):
            closed_at (datetime.datetime | None):
            closed_by (None | str):
            created_at (datetime.datetime):
            device_id (None | UUID):
            device_name (None | str):
            first_raised_at (datetime.datetime):
            flapping (bool):
            id (UUID):
            if_index (int | None):
            in_maintenance (bool):
            last_change_at (datetime.datetime):
            last_raised_at (datetime.datetime):
            origin (str): event, telemetry, agent or hub
            raised_count (int):
            rule (str):
            severity (AlarmPublicSeverity):
            shelved_by (None | str):
            shelved_until (datetime.datetime | None):
            site_id (None | UUID):
            state (AlarmPublicState):
            subject (str):
            summary (str):
            suppressed_by (None | UUID): the root alarm (agent offline, device unreachable) this one is suppressed under
            ticket_id (None | UUID):
            updated_at (datetime.datetime):
            impacts (list[ImpactPublic] | Unset):
    """

    acknowledged_at: datetime.datetime | None
    acknowledged_by: None | str
    agent_id: None | UUID
    alarm_type: str
    cleared_at: datetime.datetime | None
    cleared_by: None | str
    closed_at: datetime.datetime | None
    closed_by: None | str
    created_at: datetime.datetime
    device_id: None | UUID
    device_name: None | str
    first_raised_at: datetime.datetime
    flapping: bool
    id: UUID
    if_index: int | None
    in_maintenance: bool
    last_change_at: datetime.datetime
    last_raised_at: datetime.datetime
    origin: str
    raised_count: int
    rule: str
    severity: AlarmPublicSeverity
    shelved_by: None | str
    shelved_until: datetime.datetime | None
    site_id: None | UUID
    state: AlarmPublicState
    subject: str
    summary: str
    suppressed_by: None | UUID
    ticket_id: None | UUID
    updated_at: datetime.datetime
    impacts: list[ImpactPublic] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        acknowledged_at: None | str
        if isinstance(self.acknowledged_at, datetime.datetime):
            acknowledged_at = self.acknowledged_at.isoformat()
        else:
            acknowledged_at = self.acknowledged_at

        acknowledged_by: None | str
        acknowledged_by = self.acknowledged_by

        agent_id: None | str
        if isinstance(self.agent_id, UUID):
            agent_id = str(self.agent_id)
        else:
            agent_id = self.agent_id

        alarm_type = self.alarm_type

        cleared_at: None | str
        if isinstance(self.cleared_at, datetime.datetime):
            cleared_at = self.cleared_at.isoformat()
        else:
            cleared_at = self.cleared_at

        cleared_by: None | str
        cleared_by = self.cleared_by

        closed_at: None | str
        if isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        closed_by: None | str
        closed_by = self.closed_by

        created_at = self.created_at.isoformat()

        device_id: None | str
        if isinstance(self.device_id, UUID):
            device_id = str(self.device_id)
        else:
            device_id = self.device_id

        device_name: None | str
        device_name = self.device_name

        first_raised_at = self.first_raised_at.isoformat()

        flapping = self.flapping

        id = str(self.id)

        if_index: int | None
        if_index = self.if_index

        in_maintenance = self.in_maintenance

        last_change_at = self.last_change_at.isoformat()

        last_raised_at = self.last_raised_at.isoformat()

        origin = self.origin

        raised_count = self.raised_count

        rule = self.rule

        severity = self.severity.value

        shelved_by: None | str
        shelved_by = self.shelved_by

        shelved_until: None | str
        if isinstance(self.shelved_until, datetime.datetime):
            shelved_until = self.shelved_until.isoformat()
        else:
            shelved_until = self.shelved_until

        site_id: None | str
        if isinstance(self.site_id, UUID):
            site_id = str(self.site_id)
        else:
            site_id = self.site_id

        state = self.state.value

        subject = self.subject

        summary = self.summary

        suppressed_by: None | str
        if isinstance(self.suppressed_by, UUID):
            suppressed_by = str(self.suppressed_by)
        else:
            suppressed_by = self.suppressed_by

        ticket_id: None | str
        if isinstance(self.ticket_id, UUID):
            ticket_id = str(self.ticket_id)
        else:
            ticket_id = self.ticket_id

        updated_at = self.updated_at.isoformat()

        impacts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.impacts, Unset):
            impacts = []
            for impacts_item_data in self.impacts:
                impacts_item = impacts_item_data.to_dict()
                impacts.append(impacts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "acknowledged_at": acknowledged_at,
                "acknowledged_by": acknowledged_by,
                "agent_id": agent_id,
                "alarm_type": alarm_type,
                "cleared_at": cleared_at,
                "cleared_by": cleared_by,
                "closed_at": closed_at,
                "closed_by": closed_by,
                "created_at": created_at,
                "device_id": device_id,
                "device_name": device_name,
                "first_raised_at": first_raised_at,
                "flapping": flapping,
                "id": id,
                "if_index": if_index,
                "in_maintenance": in_maintenance,
                "last_change_at": last_change_at,
                "last_raised_at": last_raised_at,
                "origin": origin,
                "raised_count": raised_count,
                "rule": rule,
                "severity": severity,
                "shelved_by": shelved_by,
                "shelved_until": shelved_until,
                "site_id": site_id,
                "state": state,
                "subject": subject,
                "summary": summary,
                "suppressed_by": suppressed_by,
                "ticket_id": ticket_id,
                "updated_at": updated_at,
            }
        )
        if impacts is not UNSET:
            field_dict["impacts"] = impacts

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.impact_public import ImpactPublic  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_acknowledged_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                acknowledged_at_type_0 = datetime.datetime.fromisoformat(data)

                return acknowledged_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        acknowledged_at = _parse_acknowledged_at(d.pop("acknowledged_at"))

        def _parse_acknowledged_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        acknowledged_by = _parse_acknowledged_by(d.pop("acknowledged_by"))

        def _parse_agent_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                agent_id_type_0 = UUID(data)

                return agent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        agent_id = _parse_agent_id(d.pop("agent_id"))

        alarm_type = d.pop("alarm_type")

        def _parse_cleared_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cleared_at_type_0 = datetime.datetime.fromisoformat(data)

                return cleared_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cleared_at = _parse_cleared_at(d.pop("cleared_at"))

        def _parse_cleared_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cleared_by = _parse_cleared_by(d.pop("cleared_by"))

        def _parse_closed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closed_at = _parse_closed_at(d.pop("closed_at"))

        def _parse_closed_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        closed_by = _parse_closed_by(d.pop("closed_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

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

        first_raised_at = datetime.datetime.fromisoformat(d.pop("first_raised_at"))

        flapping = d.pop("flapping")

        id = UUID(d.pop("id"))

        def _parse_if_index(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        if_index = _parse_if_index(d.pop("if_index"))

        in_maintenance = d.pop("in_maintenance")

        last_change_at = datetime.datetime.fromisoformat(d.pop("last_change_at"))

        last_raised_at = datetime.datetime.fromisoformat(d.pop("last_raised_at"))

        origin = d.pop("origin")

        raised_count = d.pop("raised_count")

        rule = d.pop("rule")

        severity = AlarmPublicSeverity(d.pop("severity"))

        def _parse_shelved_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        shelved_by = _parse_shelved_by(d.pop("shelved_by"))

        def _parse_shelved_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                shelved_until_type_0 = datetime.datetime.fromisoformat(data)

                return shelved_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        shelved_until = _parse_shelved_until(d.pop("shelved_until"))

        def _parse_site_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                site_id_type_0 = UUID(data)

                return site_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        site_id = _parse_site_id(d.pop("site_id"))

        state = AlarmPublicState(d.pop("state"))

        subject = d.pop("subject")

        summary = d.pop("summary")

        def _parse_suppressed_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                suppressed_by_type_0 = UUID(data)

                return suppressed_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        suppressed_by = _parse_suppressed_by(d.pop("suppressed_by"))

        def _parse_ticket_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ticket_id_type_0 = UUID(data)

                return ticket_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        ticket_id = _parse_ticket_id(d.pop("ticket_id"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        _impacts = d.pop("impacts", UNSET)
        impacts: list[ImpactPublic] | Unset = UNSET
        if _impacts is not UNSET:
            impacts = []
            for impacts_item_data in _impacts:
                impacts_item = ImpactPublic.from_dict(impacts_item_data)

                impacts.append(impacts_item)

        alarm_public = cls(
            acknowledged_at=acknowledged_at,
            acknowledged_by=acknowledged_by,
            agent_id=agent_id,
            alarm_type=alarm_type,
            cleared_at=cleared_at,
            cleared_by=cleared_by,
            closed_at=closed_at,
            closed_by=closed_by,
            created_at=created_at,
            device_id=device_id,
            device_name=device_name,
            first_raised_at=first_raised_at,
            flapping=flapping,
            id=id,
            if_index=if_index,
            in_maintenance=in_maintenance,
            last_change_at=last_change_at,
            last_raised_at=last_raised_at,
            origin=origin,
            raised_count=raised_count,
            rule=rule,
            severity=severity,
            shelved_by=shelved_by,
            shelved_until=shelved_until,
            site_id=site_id,
            state=state,
            subject=subject,
            summary=summary,
            suppressed_by=suppressed_by,
            ticket_id=ticket_id,
            updated_at=updated_at,
            impacts=impacts,
        )

        alarm_public.additional_properties = d
        return alarm_public

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
