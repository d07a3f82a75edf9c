from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.job_detail_params import JobDetailParams
    from ..models.job_transition_public import JobTransitionPublic


T = TypeVar("T", bound="JobDetail")


@_attrs_define
class JobDetail:
    """A job with its transition history, oldest first.

    Attributes:
        action (str):
        agent_id (UUID):
        created_at (datetime.datetime):
        deadline (datetime.datetime):
        device_id (UUID):
        device_name (str):
        error_code (None | str):
        finished_at (datetime.datetime | None):
        history (list[JobTransitionPublic]):
        id (UUID):
        idempotency_key (str):
        output (str):
        params (JobDetailParams):
        requested_by (UUID):
        state (str):
        updated_at (datetime.datetime):
    """

    action: str
    agent_id: UUID
    created_at: datetime.datetime
    deadline: datetime.datetime
    device_id: UUID
    device_name: str
    error_code: None | str
    finished_at: datetime.datetime | None
    history: list[JobTransitionPublic]
    id: UUID
    idempotency_key: str
    output: str
    params: JobDetailParams
    requested_by: UUID
    state: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        agent_id = str(self.agent_id)

        created_at = self.created_at.isoformat()

        deadline = self.deadline.isoformat()

        device_id = str(self.device_id)

        device_name = self.device_name

        error_code: None | str
        error_code = self.error_code

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)

        id = str(self.id)

        idempotency_key = self.idempotency_key

        output = self.output

        params = self.params.to_dict()

        requested_by = str(self.requested_by)

        state = self.state

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "agent_id": agent_id,
                "created_at": created_at,
                "deadline": deadline,
                "device_id": device_id,
                "device_name": device_name,
                "error_code": error_code,
                "finished_at": finished_at,
                "history": history,
                "id": id,
                "idempotency_key": idempotency_key,
                "output": output,
                "params": params,
                "requested_by": requested_by,
                "state": state,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_detail_params import JobDetailParams  # noqa: PLC0415
        from ..models.job_transition_public import JobTransitionPublic  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        agent_id = UUID(d.pop("agent_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        deadline = datetime.datetime.fromisoformat(d.pop("deadline"))

        device_id = UUID(d.pop("device_id"))

        device_name = d.pop("device_name")

        def _parse_error_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error_code = _parse_error_code(d.pop("error_code"))

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

        history = []
        _history = d.pop("history")
        for history_item_data in _history:
            history_item = JobTransitionPublic.from_dict(history_item_data)

            history.append(history_item)

        id = UUID(d.pop("id"))

        idempotency_key = d.pop("idempotency_key")

        output = d.pop("output")

        params = JobDetailParams.from_dict(d.pop("params"))

        requested_by = UUID(d.pop("requested_by"))

        state = d.pop("state")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        job_detail = cls(
            action=action,
            agent_id=agent_id,
            created_at=created_at,
            deadline=deadline,
            device_id=device_id,
            device_name=device_name,
            error_code=error_code,
            finished_at=finished_at,
            history=history,
            id=id,
            idempotency_key=idempotency_key,
            output=output,
            params=params,
            requested_by=requested_by,
            state=state,
            updated_at=updated_at,
        )

        job_detail.additional_properties = d
        return job_detail

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
