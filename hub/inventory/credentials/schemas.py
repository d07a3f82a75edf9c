"""Credential set request and response bodies.

Secrets arrive as `SecretStr` (a repr, a log line or a traceback shows `**********`) and never
leave: a response names the secret fields that are set (`secrets_set`), nothing more.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    model_validator,
)

from hub.pagination import Page
from protocol.edge_config import AuthProto, PrivProto

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class CredentialKind(StrEnum):
    """What a credential set holds."""

    SNMP_V2C = "snmp_v2c"
    SNMP_V3 = "snmp_v3"
    SSH = "ssh"


SNMP_KINDS = frozenset({CredentialKind.SNMP_V2C, CredentialKind.SNMP_V3})

# Which fields belong to which kind; secrets are sealed, the others shown.
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    CredentialKind.SNMP_V2C: (),
    CredentialKind.SNMP_V3: ("user", "auth_proto", "priv_proto"),
    CredentialKind.SSH: ("username",),
}
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    CredentialKind.SNMP_V2C: ("community",),
    CredentialKind.SNMP_V3: ("auth_key", "priv_key"),
    CredentialKind.SSH: ("password", "private_key", "enable_secret"),
}
ALL_PUBLIC = ("user", "auth_proto", "priv_proto", "username")
ALL_SECRETS = ("community", "auth_key", "priv_key", "password", "private_key", "enable_secret")


def _pem(value: SecretStr) -> SecretStr:
    # Only the shape is checked (the agent's SSH library parses it); the text is never echoed.
    text = value.get_secret_value().strip()
    if not (text.startswith("-----BEGIN ") and "PRIVATE KEY-----" in text
            and "-----END " in text):
        raise ValueError("private_key: not a PEM private key; paste the whole key file "
                         "(-----BEGIN ... PRIVATE KEY----- ... -----END ...)")
    return SecretStr(text + "\n")


# Bounds as in protocol.edge_config (what an agent accepts in a push).
Secret = Annotated[SecretStr, Field(min_length=1, max_length=1024)]
# RFC 3414 asks for at least 8 characters of an SNMPv3 pass phrase.
UsmKey = Annotated[SecretStr, Field(min_length=8, max_length=1024,
                                    description="at least 8 characters (RFC 3414)")]
PrivateKey = Annotated[SecretStr, Field(min_length=1, max_length=16000,
                                        description="PEM text of the private key"),
                       AfterValidator(_pem)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^\S+$")]
UsmUser = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^\S+$")]


class _KindFields(BaseModel):
    """The kind-specific fields every input may carry (which ones apply is the kind's rule,
    checked by the service against the stored set)."""

    community: Secret | None = Field(None, description="snmp_v2c: the community (secret)")
    user: UsmUser | None = Field(None, description="snmp_v3: the USM user name")
    auth_proto: AuthProto | None = Field(None, description="snmp_v3: authentication protocol")
    auth_key: UsmKey | None = Field(None, description="snmp_v3: authentication key (secret)")
    priv_proto: PrivProto | None = Field(None, description="snmp_v3: privacy protocol "
                                         "(needs authentication)")
    priv_key: UsmKey | None = Field(None, description="snmp_v3: privacy key (secret)")
    username: Label | None = Field(None, description="ssh: the login")
    password: Secret | None = Field(None, description="ssh: password (secret)")
    private_key: PrivateKey | None = Field(None, description="ssh: PEM private key (secret)")
    enable_secret: Secret | None = Field(None, description="ssh: enable/privileged-mode "
                                         "secret (secret)")


class CredentialSetCreate(_KindFields):
    """A new credential set. snmp_v2c needs `community`; snmp_v3 needs `user` (and for
    authNoPriv/authPriv `auth_proto`+`auth_key`, then `priv_proto`+`priv_key`); ssh needs
    `username` and a `password` and/or `private_key`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "core-v3", "kind": "snmp_v3", "user": "dotmac", "auth_proto": "SHA-256",
         "auth_key": "********", "priv_proto": "AES", "priv_key": "********"}]})
    name: str = Field(min_length=1, max_length=100, pattern=NAME, examples=["ams1-snmp"])
    kind: CredentialKind
    site_id: uuid.UUID | None = Field(None, description="Bind the set to one site (only that "
                                      "site's devices may use it); null: any site")


class CredentialSetUpdate(_KindFields):
    """Changes to a set. A secret field given replaces that secret (rotation); a field sent
    as null is removed (e.g. `priv_proto` and `priv_key` to drop privacy). `kind` cannot
    change: create a new set and point the devices at it."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=100, pattern=NAME)
    kind: CredentialKind | None = Field(None, description="Only accepted unchanged")
    site_id: uuid.UUID | None = None


class CredentialSetPublic(BaseModel):
    """A credential set as the API shows it: never a secret, only which ones are set."""

    id: uuid.UUID
    name: str
    kind: CredentialKind
    site_id: uuid.UUID | None
    user: str | None = None
    auth_proto: str | None = None
    priv_proto: str | None = None
    username: str | None = None
    secrets_set: list[str] = Field(examples=[["auth_key", "priv_key"]],
                                   description="Names of the secret fields that hold a value")
    created_at: datetime
    updated_at: datetime
    rotated_at: datetime | None

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, data: Any) -> Any:
        """A CredentialSet row (ORM object or list row): `public` spread into fields."""
        row = data if isinstance(data, Mapping) else {
            k: getattr(data, k, None) for k in ("id", "name", "kind", "site_id", "public",
                                                "created_at", "updated_at", "rotated_at")}
        public = row.get("public")
        if not isinstance(public, Mapping):
            return data
        shown = {k: public.get(k) for k in ALL_PUBLIC}
        return {**{k: v for k, v in row.items() if k != "public"}, **shown,
                "secrets_set": list(public.get("secrets_set", []))}


class CredentialSetsPublic(Page[CredentialSetPublic]):
    """A page of credential sets."""
