from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_create_contacts_item import CustomerCreateContactsItem


T = TypeVar("T", bound="CustomerCreate")


@_attrs_define
class CustomerCreate:
    """A new customer.

    Attributes:
        currency (str):
        name (str):
        account_number (None | str | Unset):
        billing_day (int | None | Unset): day of the month the scheduled billing run invoices this customer (the
            calendar period it is in); null: the tenant's billing day
        contacts (list[CustomerCreateContactsItem] | Unset):
        email (str | Unset):  Default: ''.
        phone (str | Unset):  Default: ''.
        service_address (str | Unset):  Default: ''.
        tax_jurisdiction (None | str | Unset):
    """

    currency: str
    name: str
    account_number: None | str | Unset = UNSET
    billing_day: int | None | Unset = UNSET
    contacts: list[CustomerCreateContactsItem] | Unset = UNSET
    email: str | Unset = ""
    phone: str | Unset = ""
    service_address: str | Unset = ""
    tax_jurisdiction: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        name = self.name

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

        contacts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.contacts, Unset):
            contacts = []
            for contacts_item_data in self.contacts:
                contacts_item = contacts_item_data.to_dict()
                contacts.append(contacts_item)

        email = self.email

        phone = self.phone

        service_address = self.service_address

        tax_jurisdiction: None | str | Unset
        if isinstance(self.tax_jurisdiction, Unset):
            tax_jurisdiction = UNSET
        else:
            tax_jurisdiction = self.tax_jurisdiction

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "name": name,
            }
        )
        if account_number is not UNSET:
            field_dict["account_number"] = account_number
        if billing_day is not UNSET:
            field_dict["billing_day"] = billing_day
        if contacts is not UNSET:
            field_dict["contacts"] = contacts
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if service_address is not UNSET:
            field_dict["service_address"] = service_address
        if tax_jurisdiction is not UNSET:
            field_dict["tax_jurisdiction"] = tax_jurisdiction

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_create_contacts_item import CustomerCreateContactsItem  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        name = d.pop("name")

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

        _contacts = d.pop("contacts", UNSET)
        contacts: list[CustomerCreateContactsItem] | Unset = UNSET
        if _contacts is not UNSET:
            contacts = []
            for contacts_item_data in _contacts:
                contacts_item = CustomerCreateContactsItem.from_dict(contacts_item_data)

                contacts.append(contacts_item)

        email = d.pop("email", UNSET)

        phone = d.pop("phone", UNSET)

        service_address = d.pop("service_address", UNSET)

        def _parse_tax_jurisdiction(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_jurisdiction = _parse_tax_jurisdiction(d.pop("tax_jurisdiction", UNSET))

        customer_create = cls(
            currency=currency,
            name=name,
            account_number=account_number,
            billing_day=billing_day,
            contacts=contacts,
            email=email,
            phone=phone,
            service_address=service_address,
            tax_jurisdiction=tax_jurisdiction,
        )

        customer_create.additional_properties = d
        return customer_create

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
