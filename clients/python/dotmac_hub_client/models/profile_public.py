from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.profile_public_contacts_item import ProfilePublicContactsItem


T = TypeVar("T", bound="ProfilePublic")


@_attrs_define
class ProfilePublic:
    """The caller's own customer account.

    Attributes:
        account_number (None | str):
        contacts (list[ProfilePublicContactsItem]):
        currency (str):
        email (str):
        id (UUID):
        name (str):
        phone (str):
        service_address (str):
    """

    account_number: None | str
    contacts: list[ProfilePublicContactsItem]
    currency: str
    email: str
    id: UUID
    name: str
    phone: str
    service_address: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_number: None | str
        account_number = self.account_number

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_number": account_number,
                "contacts": contacts,
                "currency": currency,
                "email": email,
                "id": id,
                "name": name,
                "phone": phone,
                "service_address": service_address,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_public_contacts_item import ProfilePublicContactsItem  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_account_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        account_number = _parse_account_number(d.pop("account_number"))

        contacts = []
        _contacts = d.pop("contacts")
        for contacts_item_data in _contacts:
            contacts_item = ProfilePublicContactsItem.from_dict(contacts_item_data)

            contacts.append(contacts_item)

        currency = d.pop("currency")

        email = d.pop("email")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        phone = d.pop("phone")

        service_address = d.pop("service_address")

        profile_public = cls(
            account_number=account_number,
            contacts=contacts,
            currency=currency,
            email=email,
            id=id,
            name=name,
            phone=phone,
            service_address=service_address,
        )

        profile_public.additional_properties = d
        return profile_public

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
