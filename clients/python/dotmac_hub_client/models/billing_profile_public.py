from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BillingProfilePublic")


@_attrs_define
class BillingProfilePublic:
    """The profile with its logo's type and size.

    Attributes:
        address_lines (list[str] | Unset): postal address, one line each
        email (str | Unset): billing contact; Reply-To of invoice mail Default: ''.
        legal_name (str | Unset): printed as the issuer (empty: the tenant's name) Default: ''.
        logo_base64 (None | str | Unset): PNG or JPEG, base64, at most 256 KiB decoded; null: no logo
        logo_bytes (int | Unset): size of the logo Default: 0.
        logo_type (None | str | Unset): image/png or image/jpeg
        payment_details (str | Unset): how to pay (bank account, IBAN), printed under the payment reference Default: ''.
        tax_id (str | Unset): VAT or tax number Default: ''.
    """

    address_lines: list[str] | Unset = UNSET
    email: str | Unset = ""
    legal_name: str | Unset = ""
    logo_base64: None | str | Unset = UNSET
    logo_bytes: int | Unset = 0
    logo_type: None | str | Unset = UNSET
    payment_details: str | Unset = ""
    tax_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        address_lines: list[str] | Unset = UNSET
        if not isinstance(self.address_lines, Unset):
            address_lines = self.address_lines

        email = self.email

        legal_name = self.legal_name

        logo_base64: None | str | Unset
        if isinstance(self.logo_base64, Unset):
            logo_base64 = UNSET
        else:
            logo_base64 = self.logo_base64

        logo_bytes = self.logo_bytes

        logo_type: None | str | Unset
        if isinstance(self.logo_type, Unset):
            logo_type = UNSET
        else:
            logo_type = self.logo_type

        payment_details = self.payment_details

        tax_id = self.tax_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if address_lines is not UNSET:
            field_dict["address_lines"] = address_lines
        if email is not UNSET:
            field_dict["email"] = email
        if legal_name is not UNSET:
            field_dict["legal_name"] = legal_name
        if logo_base64 is not UNSET:
            field_dict["logo_base64"] = logo_base64
        if logo_bytes is not UNSET:
            field_dict["logo_bytes"] = logo_bytes
        if logo_type is not UNSET:
            field_dict["logo_type"] = logo_type
        if payment_details is not UNSET:
            field_dict["payment_details"] = payment_details
        if tax_id is not UNSET:
            field_dict["tax_id"] = tax_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        address_lines = cast(list[str], d.pop("address_lines", UNSET))

        email = d.pop("email", UNSET)

        legal_name = d.pop("legal_name", UNSET)

        def _parse_logo_base64(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        logo_base64 = _parse_logo_base64(d.pop("logo_base64", UNSET))

        logo_bytes = d.pop("logo_bytes", UNSET)

        def _parse_logo_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        logo_type = _parse_logo_type(d.pop("logo_type", UNSET))

        payment_details = d.pop("payment_details", UNSET)

        tax_id = d.pop("tax_id", UNSET)

        billing_profile_public = cls(
            address_lines=address_lines,
            email=email,
            legal_name=legal_name,
            logo_base64=logo_base64,
            logo_bytes=logo_bytes,
            logo_type=logo_type,
            payment_details=payment_details,
            tax_id=tax_id,
        )

        return billing_profile_public
