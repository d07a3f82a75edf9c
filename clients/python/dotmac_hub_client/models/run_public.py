from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RunPublic")


@_attrs_define
class RunPublic:
    """One due time of a schedule and what became of it.

    Attributes:
        attempt (int):
        claimed_by (None | str): host:pid of the hub process running it
        due_at (datetime.datetime): the UTC due time this run is for (one run each)
        error (None | str): the last attempt's failure, short
        finished_at (datetime.datetime | None):
        id (UUID):
        kind (str):
        lease_until (datetime.datetime | None):
        manual (bool): asked for with POST /schedules/{id}/run
        next_attempt_at (datetime.datetime | None): when a retrying run is tried again
        schedule_id (UUID):
        started_at (datetime.datetime | None):
        status (str): pending | running | retrying | succeeded | failed | abandoned (its process stopped during every
            attempt)
        summary (str): what the task did, one line
    """

    attempt: int
    claimed_by: None | str
    due_at: datetime.datetime
    error: None | str
    finished_at: datetime.datetime | None
    id: UUID
    kind: str
    lease_until: datetime.datetime | None
    manual: bool
    next_attempt_at: datetime.datetime | None
    schedule_id: UUID
    started_at: datetime.datetime | None
    status: str
    summary: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        claimed_by: None | str
        claimed_by = self.claimed_by

        due_at = self.due_at.isoformat()

        error: None | str
        error = self.error

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = str(self.id)

        kind = self.kind

        lease_until: None | str
        if isinstance(self.lease_until, datetime.datetime):
            lease_until = self.lease_until.isoformat()
        else:
            lease_until = self.lease_until

        manual = self.manual

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        schedule_id = str(self.schedule_id)

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempt": attempt,
                "claimed_by": claimed_by,
                "due_at": due_at,
                "error": error,
                "finished_at": finished_at,
                "id": id,
                "kind": kind,
                "lease_until": lease_until,
                "manual": manual,
                "next_attempt_at": next_attempt_at,
                "schedule_id": schedule_id,
                "started_at": started_at,
                "status": status,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        def _parse_claimed_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        claimed_by = _parse_claimed_by(d.pop("claimed_by"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        def _parse_lease_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lease_until_type_0 = datetime.datetime.fromisoformat(data)

                return lease_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        lease_until = _parse_lease_until(d.pop("lease_until"))

        manual = d.pop("manual")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        schedule_id = UUID(d.pop("schedule_id"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        status = d.pop("status")

        summary = d.pop("summary")

        run_public = cls(
            attempt=attempt,
            claimed_by=claimed_by,
            due_at=due_at,
            error=error,
            finished_at=finished_at,
            id=id,
            kind=kind,
            lease_until=lease_until,
            manual=manual,
            next_attempt_at=next_attempt_at,
            schedule_id=schedule_id,
            started_at=started_at,
            status=status,
            summary=summary,
        )

        run_public.additional_properties = d
        return run_public

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
