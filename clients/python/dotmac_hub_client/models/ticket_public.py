from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.comment_public import CommentPublic


T = TypeVar("T", bound="TicketPublic")


@_attrs_define
class TicketPublic:
    """A ticket with its timestamps.

    Attributes:
        assignee_id (None | UUID):
        created_at (datetime.datetime):
        customer_id (UUID):
        device_id (None | UUID):
        first_response_at (datetime.datetime | None):
        id (UUID):
        opened_by_customer (bool):
        priority (str):
        resolved_at (datetime.datetime | None):
        status (str):
        subject (str):
        subscription_id (None | UUID):
        comments (list[CommentPublic] | Unset):
    """

    assignee_id: None | UUID
    created_at: datetime.datetime
    customer_id: UUID
    device_id: None | UUID
    first_response_at: datetime.datetime | None
    id: UUID
    opened_by_customer: bool
    priority: str
    resolved_at: datetime.datetime | None
    status: str
    subject: str
    subscription_id: None | UUID
    comments: list[CommentPublic] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignee_id: None | str
        if isinstance(self.assignee_id, UUID):
            assignee_id = str(self.assignee_id)
        else:
            assignee_id = self.assignee_id

        created_at = self.created_at.isoformat()

        customer_id = str(self.customer_id)

        device_id: None | str
        if isinstance(self.device_id, UUID):
            device_id = str(self.device_id)
        else:
            device_id = self.device_id

        first_response_at: None | str
        if isinstance(self.first_response_at, datetime.datetime):
            first_response_at = self.first_response_at.isoformat()
        else:
            first_response_at = self.first_response_at

        id = str(self.id)

        opened_by_customer = self.opened_by_customer

        priority = self.priority

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        status = self.status

        subject = self.subject

        subscription_id: None | str
        if isinstance(self.subscription_id, UUID):
            subscription_id = str(self.subscription_id)
        else:
            subscription_id = self.subscription_id

        comments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.comments, Unset):
            comments = []
            for comments_item_data in self.comments:
                comments_item = comments_item_data.to_dict()
                comments.append(comments_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assignee_id": assignee_id,
                "created_at": created_at,
                "customer_id": customer_id,
                "device_id": device_id,
                "first_response_at": first_response_at,
                "id": id,
                "opened_by_customer": opened_by_customer,
                "priority": priority,
                "resolved_at": resolved_at,
                "status": status,
                "subject": subject,
                "subscription_id": subscription_id,
            }
        )
        if comments is not UNSET:
            field_dict["comments"] = comments

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.comment_public import CommentPublic  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_assignee_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                assignee_id_type_0 = UUID(data)

                return assignee_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        assignee_id = _parse_assignee_id(d.pop("assignee_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

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

        def _parse_first_response_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_response_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_response_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_response_at = _parse_first_response_at(d.pop("first_response_at"))

        id = UUID(d.pop("id"))

        opened_by_customer = d.pop("opened_by_customer")

        priority = d.pop("priority")

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        status = d.pop("status")

        subject = d.pop("subject")

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

        _comments = d.pop("comments", UNSET)
        comments: list[CommentPublic] | Unset = UNSET
        if _comments is not UNSET:
            comments = []
            for comments_item_data in _comments:
                comments_item = CommentPublic.from_dict(comments_item_data)

                comments.append(comments_item)

        ticket_public = cls(
            assignee_id=assignee_id,
            created_at=created_at,
            customer_id=customer_id,
            device_id=device_id,
            first_response_at=first_response_at,
            id=id,
            opened_by_customer=opened_by_customer,
            priority=priority,
            resolved_at=resolved_at,
            status=status,
            subject=subject,
            subscription_id=subscription_id,
            comments=comments,
        )

        ticket_public.additional_properties = d
        return ticket_public

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
