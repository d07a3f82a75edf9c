from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_public import RunPublic
    from ..models.schedule_public_params import SchedulePublicParams


T = TypeVar("T", bound="SchedulePublic")


@_attrs_define
class SchedulePublic:
    """A schedule with its next due time, its newest run and its newest finished run.

    Attributes:
        created_at (datetime.datetime):
        cron (str):
        enabled (bool):
        id (UUID):
        kind (str):
        next_due_at (datetime.datetime):
        params (SchedulePublicParams):
        timezone (str):
        updated_at (datetime.datetime):
        catch_up (str | Unset): after downtime: `all` runs every missed due time (billing), `latest` only the newest
            Default: 'latest'.
        description (str | Unset):  Default: ''.
        last_finished_run (None | RunPublic | Unset):
        last_run (None | RunPublic | Unset):
    """

    created_at: datetime.datetime
    cron: str
    enabled: bool
    id: UUID
    kind: str
    next_due_at: datetime.datetime
    params: SchedulePublicParams
    timezone: str
    updated_at: datetime.datetime
    catch_up: str | Unset = "latest"
    description: str | Unset = ""
    last_finished_run: None | RunPublic | Unset = UNSET
    last_run: None | RunPublic | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.run_public import RunPublic  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        cron = self.cron

        enabled = self.enabled

        id = str(self.id)

        kind = self.kind

        next_due_at = self.next_due_at.isoformat()

        params = self.params.to_dict()

        timezone = self.timezone

        updated_at = self.updated_at.isoformat()

        catch_up = self.catch_up

        description = self.description

        last_finished_run: dict[str, Any] | None | Unset
        if isinstance(self.last_finished_run, Unset):
            last_finished_run = UNSET
        elif isinstance(self.last_finished_run, RunPublic):
            last_finished_run = self.last_finished_run.to_dict()
        else:
            last_finished_run = self.last_finished_run

        last_run: dict[str, Any] | None | Unset
        if isinstance(self.last_run, Unset):
            last_run = UNSET
        elif isinstance(self.last_run, RunPublic):
            last_run = self.last_run.to_dict()
        else:
            last_run = self.last_run

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "cron": cron,
                "enabled": enabled,
                "id": id,
                "kind": kind,
                "next_due_at": next_due_at,
                "params": params,
                "timezone": timezone,
                "updated_at": updated_at,
            }
        )
        if catch_up is not UNSET:
            field_dict["catch_up"] = catch_up
        if description is not UNSET:
            field_dict["description"] = description
        if last_finished_run is not UNSET:
            field_dict["last_finished_run"] = last_finished_run
        if last_run is not UNSET:
            field_dict["last_run"] = last_run

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_public import RunPublic  # noqa: PLC0415
        from ..models.schedule_public_params import SchedulePublicParams  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        cron = d.pop("cron")

        enabled = d.pop("enabled")

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        next_due_at = datetime.datetime.fromisoformat(d.pop("next_due_at"))

        params = SchedulePublicParams.from_dict(d.pop("params"))

        timezone = d.pop("timezone")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        catch_up = d.pop("catch_up", UNSET)

        description = d.pop("description", UNSET)

        def _parse_last_finished_run(data: object) -> None | RunPublic | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_finished_run_type_0 = RunPublic.from_dict(data)

                return last_finished_run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunPublic | Unset, data)

        last_finished_run = _parse_last_finished_run(d.pop("last_finished_run", UNSET))

        def _parse_last_run(data: object) -> None | RunPublic | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_run_type_0 = RunPublic.from_dict(data)

                return last_run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunPublic | Unset, data)

        last_run = _parse_last_run(d.pop("last_run", UNSET))

        schedule_public = cls(
            created_at=created_at,
            cron=cron,
            enabled=enabled,
            id=id,
            kind=kind,
            next_due_at=next_due_at,
            params=params,
            timezone=timezone,
            updated_at=updated_at,
            catch_up=catch_up,
            description=description,
            last_finished_run=last_finished_run,
            last_run=last_run,
        )

        schedule_public.additional_properties = d
        return schedule_public

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
