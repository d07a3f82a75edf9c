from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ticket_create_priority import TicketCreatePriority
from ..types import UNSET, Unset

T = TypeVar("T", bound="TicketCreate")


@_attrs_define
class TicketCreate:
    """A new ticket; in the portal `customer_id` is ignored (the caller's own is used).

    Attributes:
        subject (str):
        body (str | Unset):  Default: ''.
        customer_id (None | Unset | UUID):
        device_id (None | Unset | UUID):
        priority (TicketCreatePriority | Unset):  Default: TicketCreatePriority.NORMAL.
        subscription_id (None | Unset | UUID):
    """

    subject: str
    body: str | Unset = ""
    customer_id: None | Unset | UUID = UNSET
    device_id: None | Unset | UUID = UNSET
    priority: TicketCreatePriority | Unset = TicketCreatePriority.NORMAL
    subscription_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject = self.subject

        body = self.body

        customer_id: None | str | Unset
        if isinstance(self.customer_id, Unset):
            customer_id = UNSET
        elif isinstance(self.customer_id, UUID):
            customer_id = str(self.customer_id)
        else:
            customer_id = self.customer_id

        device_id: None | str | Unset
        if isinstance(self.device_id, Unset):
            device_id = UNSET
        elif isinstance(self.device_id, UUID):
            device_id = str(self.device_id)
        else:
            device_id = self.device_id

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        subscription_id: None | str | Unset
        if isinstance(self.subscription_id, Unset):
            subscription_id = UNSET
        elif isinstance(self.subscription_id, UUID):
            subscription_id = str(self.subscription_id)
        else:
            subscription_id = self.subscription_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject": subject,
            }
        )
        if body is not UNSET:
            field_dict["body"] = body
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id
        if device_id is not UNSET:
            field_dict["device_id"] = device_id
        if priority is not UNSET:
            field_dict["priority"] = priority
        if subscription_id is not UNSET:
            field_dict["subscription_id"] = subscription_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subject = d.pop("subject")

        body = d.pop("body", UNSET)

        def _parse_customer_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                customer_id_type_0 = UUID(data)

                return customer_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        customer_id = _parse_customer_id(d.pop("customer_id", UNSET))

        def _parse_device_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                device_id_type_0 = UUID(data)

                return device_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        device_id = _parse_device_id(d.pop("device_id", UNSET))

        _priority = d.pop("priority", UNSET)
        priority: TicketCreatePriority | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = TicketCreatePriority(_priority)

        def _parse_subscription_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                subscription_id_type_0 = UUID(data)

                return subscription_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        subscription_id = _parse_subscription_id(d.pop("subscription_id", UNSET))

        ticket_create = cls(
            subject=subject,
            body=body,
            customer_id=customer_id,
            device_id=device_id,
            priority=priority,
            subscription_id=subscription_id,
        )

        ticket_create.additional_properties = d
        return ticket_create

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
