from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_update_contacts_type_0_item import CustomerUpdateContactsType0Item


T = TypeVar("T", bound="CustomerUpdate")


@_attrs_define
class CustomerUpdate:
    """Fields to change (absent: unchanged). The currency never changes: invoices are in it.

    Attributes:
        account_number (None | str | Unset):
        billing_day (int | None | Unset): day of the month the scheduled billing run invoices this customer (the
            calendar period it is in); null: the tenant's billing day
        contacts (list[CustomerUpdateContactsType0Item] | None | Unset):
        email (None | str | Unset):
        name (None | str | Unset):
        phone (None | str | Unset):
        service_address (None | str | Unset):
        tax_jurisdiction (None | str | Unset):
    """

    account_number: None | str | Unset = UNSET
    billing_day: int | None | Unset = UNSET
    contacts: list[CustomerUpdateContactsType0Item] | None | Unset = UNSET
    email: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    service_address: None | str | Unset = UNSET
    tax_jurisdiction: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        account_number: None | str | Unset
        if isinstance(self.account_number, Unset):
            account_number = UNSET
        else:
            account_number = self.account_number

        billing_day: int | None | Unset
        if isinstance(self.billing_day, Unset):
            billing_day = UNSET
        else:
            billing_day = self.billing_day

        contacts: list[dict[str, Any]] | None | Unset
        if isinstance(self.contacts, Unset):
            contacts = UNSET
        elif isinstance(self.contacts, list):
            contacts = []
            for contacts_type_0_item_data in self.contacts:
                contacts_type_0_item = contacts_type_0_item_data.to_dict()
                contacts.append(contacts_type_0_item)

        else:
            contacts = self.contacts

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        service_address: None | str | Unset
        if isinstance(self.service_address, Unset):
            service_address = UNSET
        else:
            service_address = self.service_address

        tax_jurisdiction: None | str | Unset
        if isinstance(self.tax_jurisdiction, Unset):
            tax_jurisdiction = UNSET
        else:
            tax_jurisdiction = self.tax_jurisdiction

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if account_number is not UNSET:
            field_dict["account_number"] = account_number
        if billing_day is not UNSET:
            field_dict["billing_day"] = billing_day
        if contacts is not UNSET:
            field_dict["contacts"] = contacts
        if email is not UNSET:
            field_dict["email"] = email
        if name is not UNSET:
            field_dict["name"] = name
        if phone is not UNSET:
            field_dict["phone"] = phone
        if service_address is not UNSET:
            field_dict["service_address"] = service_address
        if tax_jurisdiction is not UNSET:
            field_dict["tax_jurisdiction"] = tax_jurisdiction

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_update_contacts_type_0_item import CustomerUpdateContactsType0Item  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_account_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_number = _parse_account_number(d.pop("account_number", UNSET))

        def _parse_billing_day(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        billing_day = _parse_billing_day(d.pop("billing_day", UNSET))

        def _parse_contacts(data: object) -> list[CustomerUpdateContactsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                contacts_type_0 = []
                _contacts_type_0 = data
                for contacts_type_0_item_data in _contacts_type_0:
                    contacts_type_0_item = CustomerUpdateContactsType0Item.from_dict(contacts_type_0_item_data)

                    contacts_type_0.append(contacts_type_0_item)

                return contacts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CustomerUpdateContactsType0Item] | None | Unset, data)

        contacts = _parse_contacts(d.pop("contacts", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_service_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        service_address = _parse_service_address(d.pop("service_address", UNSET))

        def _parse_tax_jurisdiction(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_jurisdiction = _parse_tax_jurisdiction(d.pop("tax_jurisdiction", UNSET))

        customer_update = cls(
            account_number=account_number,
            billing_day=billing_day,
            contacts=contacts,
            email=email,
            name=name,
            phone=phone,
            service_address=service_address,
            tax_jurisdiction=tax_jurisdiction,
        )

        return customer_update
