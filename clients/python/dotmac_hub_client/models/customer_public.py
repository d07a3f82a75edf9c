from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_public_contacts_item import CustomerPublicContactsItem


T = TypeVar("T", bound="CustomerPublic")


@_attrs_define
class CustomerPublic:
    """A customer; `archived_at` set once archived.

    Attributes:
        account_number (None | str):
        archived_at (datetime.datetime | None):
        contacts (list[CustomerPublicContactsItem]):
        currency (str):
        email (str):
        id (UUID):
        name (str):
        phone (str):
        service_address (str):
        tax_jurisdiction (None | str):
        billing_day (int | None | Unset):
    """

    account_number: None | str
    archived_at: datetime.datetime | None
    contacts: list[CustomerPublicContactsItem]
    currency: str
    email: str
    id: UUID
    name: str
    phone: str
    service_address: str
    tax_jurisdiction: None | str
    billing_day: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_number: None | str
        account_number = self.account_number

        archived_at: None | str
        if isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        contacts = []
        for contacts_item_data in self.contacts:
            contacts_item = contacts_item_data.to_dict()
            contacts.append(contacts_item)

        currency = self.currency

        email = self.email

        id = str(self.id)

        name = self.name

        phone = self.phone

        service_address = self.service_address

        tax_jurisdiction: None | str
        tax_jurisdiction = self.tax_jurisdiction

        billing_day: int | None | Unset
        if isinstance(self.billing_day, Unset):
            billing_day = UNSET
        else:
            billing_day = self.billing_day

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_number": account_number,
                "archived_at": archived_at,
                "contacts": contacts,
                "currency": currency,
                "email": email,
                "id": id,
                "name": name,
                "phone": phone,
                "service_address": service_address,
                "tax_jurisdiction": tax_jurisdiction,
            }
        )
        if billing_day is not UNSET:
            field_dict["billing_day"] = billing_day

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_public_contacts_item import CustomerPublicContactsItem  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_account_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        account_number = _parse_account_number(d.pop("account_number"))

        def _parse_archived_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)

                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        archived_at = _parse_archived_at(d.pop("archived_at"))

        contacts = []
        _contacts = d.pop("contacts")
        for contacts_item_data in _contacts:
            contacts_item = CustomerPublicContactsItem.from_dict(contacts_item_data)

            contacts.append(contacts_item)

        currency = d.pop("currency")

        email = d.pop("email")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        phone = d.pop("phone")

        service_address = d.pop("service_address")

        def _parse_tax_jurisdiction(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tax_jurisdiction = _parse_tax_jurisdiction(d.pop("tax_jurisdiction"))

        def _parse_billing_day(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        billing_day = _parse_billing_day(d.pop("billing_day", UNSET))

        customer_public = cls(
            account_number=account_number,
            archived_at=archived_at,
            contacts=contacts,
            currency=currency,
            email=email,
            id=id,
            name=name,
            phone=phone,
            service_address=service_address,
            tax_jurisdiction=tax_jurisdiction,
            billing_day=billing_day,
        )

        customer_public.additional_properties = d
        return customer_public

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
