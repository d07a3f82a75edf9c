from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.radius_action_event_public import RadiusActionEventPublic
    from ..models.radius_action_public_attributes import RadiusActionPublicAttributes


T = TypeVar("T", bound="RadiusActionPublic")


@_attrs_define
class RadiusActionPublic:
    """A CoA-Request or Disconnect-Request and the NAS's answer.

    Attributes:
        action (str):
        attempts (int):
        attributes (RadiusActionPublicAttributes):
        completed_at (datetime.datetime | None):
        created_at (datetime.datetime):
        detail (str):
        error_cause (int | None): RFC 5176 Error-Cause of a NAK
        id (UUID):
        kind (str):
        nas_id (None | UUID):
        reason (str):
        request_id (UUID):
        requested_by (str):
        session_id (None | UUID):
        status (str):
        subscription_id (None | UUID):
        history (list[RadiusActionEventPublic] | Unset):
    """

    action: str
    attempts: int
    attributes: RadiusActionPublicAttributes
    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    detail: str
    error_cause: int | None
    id: UUID
    kind: str
    nas_id: None | UUID
    reason: str
    request_id: UUID
    requested_by: str
    session_id: None | UUID
    status: str
    subscription_id: None | UUID
    history: list[RadiusActionEventPublic] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        attempts = self.attempts

        attributes = self.attributes.to_dict()

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        created_at = self.created_at.isoformat()

        detail = self.detail

        error_cause: int | None
        error_cause = self.error_cause

        id = str(self.id)

        kind = self.kind

        nas_id: None | str
        if isinstance(self.nas_id, UUID):
            nas_id = str(self.nas_id)
        else:
            nas_id = self.nas_id

        reason = self.reason

        request_id = str(self.request_id)

        requested_by = self.requested_by

        session_id: None | str
        if isinstance(self.session_id, UUID):
            session_id = str(self.session_id)
        else:
            session_id = self.session_id

        status = self.status

        subscription_id: None | str
        if isinstance(self.subscription_id, UUID):
            subscription_id = str(self.subscription_id)
        else:
            subscription_id = self.subscription_id

        history: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.history, Unset):
            history = []
            for history_item_data in self.history:
                history_item = history_item_data.to_dict()
                history.append(history_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "attempts": attempts,
                "attributes": attributes,
                "completed_at": completed_at,
                "created_at": created_at,
                "detail": detail,
                "error_cause": error_cause,
                "id": id,
                "kind": kind,
                "nas_id": nas_id,
                "reason": reason,
                "request_id": request_id,
                "requested_by": requested_by,
                "session_id": session_id,
                "status": status,
                "subscription_id": subscription_id,
            }
        )
        if history is not UNSET:
            field_dict["history"] = history

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.radius_action_event_public import RadiusActionEventPublic  # noqa: PLC0415
        from ..models.radius_action_public_attributes import RadiusActionPublicAttributes  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        attempts = d.pop("attempts")

        attributes = RadiusActionPublicAttributes.from_dict(d.pop("attributes"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        detail = d.pop("detail")

        def _parse_error_cause(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        error_cause = _parse_error_cause(d.pop("error_cause"))

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        def _parse_nas_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                nas_id_type_0 = UUID(data)

                return nas_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        nas_id = _parse_nas_id(d.pop("nas_id"))

        reason = d.pop("reason")

        request_id = UUID(d.pop("request_id"))

        requested_by = d.pop("requested_by")

        def _parse_session_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                session_id_type_0 = UUID(data)

                return session_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        session_id = _parse_session_id(d.pop("session_id"))

        status = d.pop("status")

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

        _history = d.pop("history", UNSET)
        history: list[RadiusActionEventPublic] | Unset = UNSET
        if _history is not UNSET:
            history = []
            for history_item_data in _history:
                history_item = RadiusActionEventPublic.from_dict(history_item_data)

                history.append(history_item)

        radius_action_public = cls(
            action=action,
            attempts=attempts,
            attributes=attributes,
            completed_at=completed_at,
            created_at=created_at,
            detail=detail,
            error_cause=error_cause,
            id=id,
            kind=kind,
            nas_id=nas_id,
            reason=reason,
            request_id=request_id,
            requested_by=requested_by,
            session_id=session_id,
            status=status,
            subscription_id=subscription_id,
            history=history,
        )

        radius_action_public.additional_properties = d
        return radius_action_public

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
