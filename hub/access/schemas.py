"""Request and response bodies of subscriber access. Secrets (NAS shared secrets, subscriber
passwords) arrive as `SecretStr` and never leave: answers say whether one is set."""

from __future__ import annotations

import ipaddress
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    model_validator,
)

from hub.access.models import USERNAME_MAX_BYTES
from hub.pagination import Page

Vendor = Literal["mikrotik", "cisco", "juniper", "huawei", "accel_ppp", "generic"]
NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


def _ip(value: str) -> str:
    try:
        return ipaddress.ip_address(value.strip()).compressed
    except ValueError:
        raise ValueError(f"address {value!r}: not an IPv4 or IPv6 address; give the address "
                         "the NAS sends RADIUS from") from None


def _printable(value: SecretStr) -> SecretStr:
    # RADIUS secrets are octets, but NAS CLIs accept printable ASCII; quotes and backslashes
    # are escaped in clients.conf.
    if not all(" " < ch < "\x7f" for ch in value.get_secret_value()):
        raise ValueError("secret: printable ASCII without spaces only")
    return value


def _username(value: str) -> str:
    if len(value.encode()) > USERNAME_MAX_BYTES:
        raise ValueError(f"username: at most {USERNAME_MAX_BYTES} bytes (RADIUS User-Name)")
    return value


def _mac(value: str) -> str:
    digits = "".join(ch for ch in value.lower() if ch in "0123456789abcdef")
    if len(digits) != 12 or len(value) > 17:
        raise ValueError(f"mac {value!r}: not a MAC address (aa:bb:cc:dd:ee:ff)")
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


Address = Annotated[str, StringConstraints(min_length=2, max_length=45), AfterValidator(_ip)]
NasSecret = Annotated[SecretStr, Field(min_length=8, max_length=128,
                                       description="RADIUS shared secret (write-only)"),
                      AfterValidator(_printable)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=253, pattern=r"^\S+$"),
                     AfterValidator(_username)]
Mac = Annotated[str, StringConstraints(min_length=12, max_length=17), AfterValidator(_mac)]
Option82 = Annotated[str, StringConstraints(min_length=1, max_length=253)]
CoaPort = Annotated[int, Field(ge=1, le=65535)]


class NasCreate(BaseModel):
    """A NAS / BNG of a site. `address` is the source address of its RADIUS packets."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"site_id": "0191c3c8-7d1e-7cc0-8a3b-3f2f4c1d2e10", "name": "bng-ams1",
         "address": "192.0.2.10", "secret": "********", "vendor": "mikrotik"}]})
    site_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100, pattern=NAME)
    address: Address
    secret: NasSecret
    vendor: Vendor
    coa_port: CoaPort = 3799


class NasUpdate(BaseModel):
    """Changes to a NAS; `secret` given replaces the shared secret (rotation)."""

    model_config = ConfigDict(extra="forbid")
    site_id: uuid.UUID | None = None
    name: str | None = Field(None, min_length=1, max_length=100, pattern=NAME)
    address: Address | None = None
    secret: NasSecret | None = None
    vendor: Vendor | None = None
    coa_port: CoaPort | None = None


class NasPublic(BaseModel):
    """A NAS as the API shows it (never its secret)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    address: str
    vendor: Vendor
    coa_port: int
    created_at: datetime


class NasesPublic(Page[NasPublic]):
    """A page of NASes."""


class CredentialPut(BaseModel):
    """How a subscription logs in: PPPoE `username` + `password`, or IPoE by `mac` and/or
    option 82 (`circuit_id`, optionally with `remote_id`). `username` is the RADIUS
    User-Name in every case (for IPoE: what the NAS sends, often the MAC)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"username": "alice@isp.example", "password": "********"},
        {"username": "00:11:22:33:44:55", "mac": "00:11:22:33:44:55"}]})
    username: Username
    password: SecretStr | None = Field(None, min_length=1, max_length=128,
                                       description="PPPoE password (write-only); null: IPoE")
    mac: Mac | None = None
    circuit_id: Option82 | None = None
    remote_id: Option82 | None = None

    @model_validator(mode="after")
    def _one_way_in(self) -> CredentialPut:
        if self.password is None and self.mac is None and self.circuit_id is None:
            raise ValueError("give a password (PPPoE), or a mac or circuit_id (IPoE)")
        if self.remote_id is not None and self.circuit_id is None:
            raise ValueError("remote_id: only together with circuit_id (option 82)")
        return self


class CredentialPublic(BaseModel):
    """A subscription's credential (never its password, only whether one is set)."""

    id: uuid.UUID
    subscription_id: uuid.UUID
    username: str
    password_set: bool
    mac: str | None
    circuit_id: str | None
    remote_id: str | None
    created_at: datetime
    updated_at: datetime
