"""API bodies of billing documents: the tenant's billing profile."""

from __future__ import annotations

import base64
import binascii
from email.utils import parseaddr

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_LOGO_BYTES = 256 * 1024


class BillingProfileBody(BaseModel):
    """Who issues the tenant's invoices, as printed on them (PUT replaces every field)."""

    model_config = ConfigDict(extra="forbid")

    legal_name: str = Field("", max_length=200, description="printed as the issuer (empty: "
                            "the tenant's name)")
    address_lines: list[str] = Field(default_factory=list, max_length=6,
                                     description="postal address, one line each")
    tax_id: str = Field("", max_length=64, description="VAT or tax number")
    email: str = Field("", max_length=254, description="billing contact; Reply-To of "
                       "invoice mail")
    payment_details: str = Field("", max_length=1000, description="how to pay (bank account, "
                                 "IBAN), printed under the payment reference")
    logo_base64: str | None = Field(None, description="PNG or JPEG, base64, at most "
                                    f"{MAX_LOGO_BYTES // 1024} KiB decoded; null: no logo")

    @field_validator("address_lines")
    @classmethod
    def _lines(cls, value: list[str]) -> list[str]:
        if any(len(x) > 120 or "\n" in x for x in value):
            raise ValueError("address_lines: each line at most 120 characters, no line breaks")
        return [x.strip() for x in value if x.strip()]

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and ("@" not in parseaddr(value)[1] or "\n" in value or "\r" in value):
            raise ValueError(f"{value!r}: not an e-mail address (e.g. billing@isp.example)")
        return value

    @field_validator("logo_base64")
    @classmethod
    def _logo(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("logo_base64: not base64; send the image file base64-encoded"
                             ) from exc
        if len(data) > MAX_LOGO_BYTES:
            raise ValueError(f"logo_base64: {len(data)} bytes, more than {MAX_LOGO_BYTES}; "
                             "scale the logo down (it prints at most 45 x 22 mm)")
        return value


class BillingProfilePublic(BillingProfileBody):
    """The profile with its logo's type and size."""

    logo_type: str | None = Field(None, description="image/png or image/jpeg")
    logo_bytes: int = Field(0, description="size of the logo")
