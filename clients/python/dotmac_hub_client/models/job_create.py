from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_create_params import JobCreateParams


T = TypeVar("T", bound="JobCreate")


@_attrs_define
class JobCreate:
    """A new provisioning job; `params` must satisfy the action's parameter schema.

    Attributes:
        action (str):
        device_id (UUID):
        deadline_s (int | Unset): seconds from now after which an undelivered job expires instead of running Default:
            3600.
        params (JobCreateParams | Unset):
    """

    action: str
    device_id: UUID
    deadline_s: int | Unset = 3600
    params: JobCreateParams | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        device_id = str(self.device_id)

        deadline_s = self.deadline_s

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "device_id": device_id,
            }
        )
        if deadline_s is not UNSET:
            field_dict["deadline_s"] = deadline_s
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_create_params import JobCreateParams  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        device_id = UUID(d.pop("device_id"))

        deadline_s = d.pop("deadline_s", UNSET)

        _params = d.pop("params", UNSET)
        params: JobCreateParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = JobCreateParams.from_dict(_params)

        job_create = cls(
            action=action,
            device_id=device_id,
            deadline_s=deadline_s,
            params=params,
        )

        return job_create
