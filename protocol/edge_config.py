"""The polling configuration the hub pushes to an agent (``cmd/config``, since 1.2).

The hub is the source of truth for what an agent polls. It sends the agent its *whole*
configuration as an :class:`EdgeConfig` document inside a ``ConfigPush``: every device the
agent polls (identified by the hub's device id; the name is only a label), the credential
sets those devices use (and only those: an agent never receives another agent's secrets),
and the SNMP discoveries it should run.

The document travels compressed (:func:`pack` / :func:`unpack`): a 2,000-device config is
about 700 KB of JSON but well under the 256 KiB message limit once deflated (device rows
repeat almost everything but their id and address). The content hash is the SHA-256 of
the canonical JSON (:func:`canonical_json`), so hub and agent agree on it byte for byte.

    blob, digest = pack(config)                    # hub
    config = unpack(blob, digest, max_bytes=...)   # agent; raises ConfigDocumentError
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import json
import zlib
from typing import Annotated, Any, Final, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationError,
    model_serializer,
)

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_DEVICES",
    "MAX_EVENT_SOURCES",
    "ConfigDocumentError",
    "ConfigErrorCode",
    "DiscoveryRequest",
    "EdgeConfig",
    "EventSources",
    "PushedDevice",
    "SnmpV2cCredential",
    "SnmpV3Credential",
    "SshCredential",
    "canonical_json",
    "content_hash",
    "pack",
    "unpack",
]

# Decompressed size an agent accepts: bounds memory against a forged "zip bomb".
MAX_CONFIG_BYTES: Final = 16 * 1024 * 1024
MAX_DEVICES: Final = 10_000
MAX_CIDRS: Final = 16
MAX_EVENT_SOURCES: Final = 32

Port = Annotated[int, Field(ge=1, le=65535)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Host = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\s/]+$")]
ProfileName = Annotated[str, StringConstraints(pattern=r"^(auto|[a-z][a-z0-9_]{0,63})$")]
SecretText = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
AuthProto = Literal["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]
PrivProto = Literal["DES", "AES", "AES-192", "AES-256"]


def _ip_address(value: object) -> object:
    """Canonical text of an IP address (IPv4-mapped IPv6 as IPv4), as a socket reports the
    sender; anything else is refused (a host name cannot be matched to a sender)."""
    if not isinstance(value, str):
        return value
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        raise ValueError(f"{value[:64]!r} is not an IP address (e.g. 10.255.0.1 or "
                         "2001:db8::1)") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def _distinct(addresses: list[str]) -> list[str]:
    repeated = sorted({a for a in addresses if addresses.count(a) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} listed more than once; list each address once")
    return addresses


IpAddress = Annotated[str, BeforeValidator(_ip_address)]
EventSources = Annotated[list[IpAddress], Field(max_length=MAX_EVENT_SOURCES),
                         AfterValidator(_distinct)]


class ConfigErrorCode:
    """Why an agent refused a push (the ``error_code`` of a ``config_ack``)."""

    WRONG_AGENT = "wrong_agent"  # addressed to another agent id
    STALE_VERSION = "stale_version"  # not newer than the applied version
    OVERSIZE = "oversize"  # document larger than MAX_CONFIG_BYTES or too many devices
    BAD_DOCUMENT = "bad_document"  # not base64/zlib/JSON, or the hash does not match
    INVALID = "invalid"  # schema violation (the detail names the field)
    UNKNOWN_PROFILE = "unknown_profile"  # a device names a profile this agent lacks
    UNKNOWN_CREDENTIAL = "unknown_credential"  # a device refers to a set not in the push
    STORE_FAILED = "store_failed"  # could not persist it (disk full...): not applied
    ALL: tuple[str, ...] = (WRONG_AGENT, STALE_VERSION, OVERSIZE, BAD_DOCUMENT, INVALID,
                            UNKNOWN_PROFILE, UNKNOWN_CREDENTIAL, STORE_FAILED)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SnmpV2cCredential(_Model):
    """An SNMP v2c community."""

    kind: Literal["snmp_v2c"] = "snmp_v2c"
    id: UUID
    community: SecretText


class SnmpV3Credential(_Model):
    """An SNMPv3 USM user (noAuthNoPriv, authNoPriv or authPriv)."""

    kind: Literal["snmp_v3"] = "snmp_v3"
    id: UUID
    user: Label
    auth_proto: AuthProto | None = None
    auth_key: SecretText | None = None
    priv_proto: PrivProto | None = None
    priv_key: SecretText | None = None


class SshCredential(_Model):
    """CLI access: a user with a password and/or a private key, and an enable secret."""

    kind: Literal["ssh"] = "ssh"
    id: UUID
    username: Label
    password: SecretText | None = None
    private_key: Annotated[str, StringConstraints(min_length=1, max_length=16384)] | None = None
    enable_secret: SecretText | None = None


Credential = Annotated[SnmpV2cCredential | SnmpV3Credential | SshCredential,
                       Field(discriminator="kind")]


class PushedDevice(_Model):
    """One device the agent polls. ``id`` is the reference everywhere (samples, jobs,
    health); ``name`` is the hub's label, free to change."""

    id: UUID
    name: Label
    host: Host
    snmp_port: Port = 161
    ssh_port: Port = 22
    profile: ProfileName = "auto"
    telemetry: Literal["snmp", "ssh", "both"] = "snmp"
    interval_s: Annotated[float, Field(ge=1, le=86400)] = 60.0
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 2.0
    retries: Annotated[int, Field(ge=0, le=10)] = 1
    maintenance: bool = False
    snmp_credential: UUID | None = None
    ssh_credential: UUID | None = None
    # Since 1.3: more addresses the device sends traps/syslog from (a loopback...), besides
    # `host`. Left out of the document when empty, so a 1.2 agent (which refuses unknown
    # fields) still reads every push that does not use it.
    event_sources: EventSources = Field(default_factory=list)

    @model_serializer(mode="wrap")
    def _omit_empty_event_sources(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and not data.get("event_sources"):
            data.pop("event_sources", None)
        return data


class DiscoveryRequest(_Model):
    """An SNMP sweep the agent runs once and reports on ``up/discovery``."""

    id: UUID
    cidrs: Annotated[list[Annotated[str, StringConstraints(max_length=64)]],
                     Field(min_length=1, max_length=MAX_CIDRS)]
    credentials: Annotated[list[UUID], Field(min_length=1, max_length=8)]
    port: Port = 161
    concurrency: Annotated[int, Field(ge=1, le=256)] = 32
    timeout_s: Annotated[float, Field(gt=0, le=10)] = 1.0


class EdgeConfig(_Model):
    """Everything an agent polls and manages, as the hub wants it now."""

    devices: Annotated[list[PushedDevice], Field(max_length=MAX_DEVICES)] = Field(
        default_factory=list)
    credentials: list[Credential] = Field(default_factory=list)
    discoveries: list[DiscoveryRequest] = Field(default_factory=list)


class ConfigDocumentError(ValueError):
    """A packed document that cannot be used; ``code`` is a :class:`ConfigErrorCode`."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


def canonical_json(config: EdgeConfig) -> bytes:
    """The document's canonical bytes: sorted keys, no spaces, UTF-8."""
    data = config.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def content_hash(config: EdgeConfig) -> str:
    """SHA-256 hex of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(config)).hexdigest()


def pack(config: EdgeConfig) -> tuple[str, str]:
    """(base64 of the deflated canonical JSON, its content hash)."""
    raw = canonical_json(config)
    return (base64.b64encode(zlib.compress(raw, 6)).decode("ascii"),
            hashlib.sha256(raw).hexdigest())


def unpack(blob: str, digest: str, *, max_bytes: int = MAX_CONFIG_BYTES) -> EdgeConfig:
    """Inverse of :func:`pack`, refusing anything forged, corrupt or too large."""
    try:
        compressed = base64.b64decode(blob.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ConfigDocumentError(ConfigErrorCode.BAD_DOCUMENT, f"not base64: {exc}") from None
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise ConfigDocumentError(ConfigErrorCode.BAD_DOCUMENT, f"not zlib: {exc}") from None
    if len(raw) > max_bytes or inflater.unconsumed_tail:
        raise ConfigDocumentError(ConfigErrorCode.OVERSIZE,
                                  f"document inflates beyond {max_bytes} bytes")
    if hashlib.sha256(raw).hexdigest() != digest:
        raise ConfigDocumentError(ConfigErrorCode.BAD_DOCUMENT,
                                  "content hash does not match the document")
    return _parse(raw)


def _parse(raw: bytes) -> EdgeConfig:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ConfigDocumentError(ConfigErrorCode.BAD_DOCUMENT, f"not JSON: {exc}") from None
    if isinstance(data, dict) and len(data.get("devices") or []) > MAX_DEVICES:
        raise ConfigDocumentError(ConfigErrorCode.OVERSIZE,
                                  f"more than {MAX_DEVICES} devices")
    try:
        return EdgeConfig.model_validate(data, strict=False)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        raise ConfigDocumentError(ConfigErrorCode.INVALID, f"{path}: {first['msg']}") from None
