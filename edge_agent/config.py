"""The agent's YAML config: pydantic models, a line-aware loader, errors a tech can act on.

    cfg = load_config(Path("/etc/dotmac-agent/agent.yaml"))   # raises ConfigError
    target = cfg.snmp_target(cfg.devices[0])

Every secret (community, v3 keys, broker password) is a ``SecretStr``: hidden from
``repr``, logs and ``model_dump(mode="json")``. A secret may be written as ``${ENV_NAME}``
or left out and taken from the variable in :data:`SECRET_ENV`. A device inherits what it
does not set from ``defaults.snmp`` and ``polling``. See ``docs/agent-config.md``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from edge_agent import _config_errors as errors
from edge_agent.snmp.target import SnmpTarget, SnmpV2c, SnmpV3
from protocol import TopicError, validate_agent_id

__all__ = [
    "SECRET_ENV",
    "AgentConfig",
    "AgentSection",
    "BrokerSection",
    "ConfigError",
    "DeviceConfig",
    "EventsSection",
    "PollingSection",
    "QueueSection",
    "SnmpV2cConfig",
    "SnmpV3Config",
    "SshConfig",
    "StormSection",
    "SyslogSection",
    "TrapUserConfig",
    "TrapsSection",
    "load_config",
    "save_devices",
]

ConfigError = errors.ConfigError

# Secret key -> environment variable used when the key is left out of the file.
SECRET_ENV: dict[str, str] = {
    "community": "DOTMAC_AGENT_COMMUNITY",
    "password": "DOTMAC_AGENT_BROKER_PASSWORD",
    "auth_key": "DOTMAC_AGENT_SNMP_AUTH_KEY",
    "priv_key": "DOTMAC_AGENT_SNMP_PRIV_KEY",
}
# Device key -> where it is inherited from when the device does not set it.
INHERITED: dict[str, tuple[str, ...]] = {
    "interval_s": ("polling", "interval_s"),
    "timeout_s": ("polling", "timeout_s"),
    "retries": ("polling", "retries"),
    "max_repetitions": ("polling", "max_repetitions"),
    "snmp": ("defaults", "snmp"),
}
_ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_AUTH_ALIASES = {"SHA1": "SHA", "SHA224": "SHA-224", "SHA256": "SHA-256",
                 "SHA384": "SHA-384", "SHA512": "SHA-512"}
_PRIV_ALIASES = {"AES128": "AES", "AES-128": "AES", "AES192": "AES-192", "AES256": "AES-256"}


def _expand_env(value: object) -> object:
    """Resolve ``${NAME}``; a missing variable is an error, never an empty secret."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # YAML reads `community: 12345` as a number
    if isinstance(value, str) and (match := _ENV_REF.match(value)):
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(f"environment variable {name} is not set; export it or "
                             "write the value here")
        return os.environ[name]
    return value


Secret = Annotated[SecretStr, BeforeValidator(_expand_env)]


def _ip_address(value: object) -> object:
    """Canonical text of an IP address (IPv4-mapped IPv6 as IPv4), as sockets report it."""
    if not isinstance(value, str):
        return value
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address; write one, e.g. 10.255.0.1 "
                         "or 2001:db8::1 (a host name cannot be matched to a sender)"
                         ) from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


IpAddress = Annotated[str, BeforeValidator(_ip_address)]
AuthProto = Literal["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]
PrivProto = Literal["DES", "AES", "AES-192", "AES-256"]
Port = Annotated[int, Field(ge=1, le=65535)]
# snmp: the SNMP poller only; ssh: the profile's cli_metrics over SSH only; both: each cycle
# reads both and publishes the union.
Telemetry = Literal["snmp", "ssh", "both"]


def _fill_from_env(data: Any, keys: Iterable[str]) -> Any:
    """Add each left-out secret from its environment variable, when that is set."""
    if not isinstance(data, dict):
        return data
    filled = dict(data)
    for key in keys:
        if key not in filled and SECRET_ENV[key] in os.environ:
            filled[key] = os.environ[SECRET_ENV[key]]
    return filled


def _normalise_proto(value: object, aliases: Mapping[str, str]) -> object:
    if not isinstance(value, str):
        return value
    upper = value.strip().upper()
    return aliases.get(upper, upper)


def _normalise_version(value: object) -> object:
    text = str(value).strip().lower().removeprefix("v")
    return {"2": "2c", "2c": "2c", "3": "3"}.get(text, value)


def _normalise_snmp(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if "version" in data:
        data["version"] = _normalise_version(data["version"])
    for key, aliases in (("auth_proto", _AUTH_ALIASES), ("priv_proto", _PRIV_ALIASES)):
        if key in data:
            data[key] = _normalise_proto(data[key], aliases)
    return data


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgentSection(_Section):
    """Who this agent is and where it keeps its state (queue, sequence numbers)."""

    id: str
    state_dir: Path = Path("/var/lib/dotmac-agent")

    @field_validator("id")
    @classmethod
    def _legal_id(cls, value: str) -> str:
        try:
            return validate_agent_id(value)
        except TopicError as exc:
            raise ValueError(f"{exc.detail}; use lowercase letters, digits, '.', '_' or '-'"
                             ) from None


class BrokerSection(_Section):
    """The MQTT broker; ``username`` defaults to the agent id (the ACL pins it to it)."""

    host: str = Field(min_length=1)
    port: Port = 8883
    tls: bool = True
    ca_file: Path | None = None
    username: str | None = None
    password: Secret

    @model_validator(mode="before")
    @classmethod
    def _env_password(cls, data: Any) -> Any:
        return _fill_from_env(data, ["password"])


class PollingSection(_Section):
    """Poll schedule and SNMP timing shared by all devices (each may override some)."""

    interval_s: float = Field(60.0, ge=1, le=86400)
    concurrency: int = Field(32, ge=1, le=1024)
    timeout_s: float = Field(2.0, gt=0, le=60)
    retries: int = Field(1, ge=0, le=10)
    max_repetitions: int = Field(25, ge=1, le=200)
    jitter: float = Field(1.0, ge=0, le=1, description="Fraction of the interval phases use.")
    ssh_workers: int = Field(4, ge=1, le=64, description="SSH sessions at once (jobs, CLI polls)")


class QueueSection(_Section):
    """Bounds of the on-disk queue: a 24 h outage of a 200-device POP fits the defaults."""

    max_bytes: int = Field(4 * 1024**3, ge=1024**2)
    max_age_s: float = Field(48 * 3600.0, ge=60)


class SnmpV2cConfig(_Section):
    """SNMP v2c credentials."""

    version: Literal["2c"] = "2c"
    community: Secret

    @model_validator(mode="before")
    @classmethod
    def _env_community(cls, data: Any) -> Any:
        return _fill_from_env(data, ["community"])


class SnmpV3Config(_Section):
    """SNMP v3 USM credentials (noAuthNoPriv, authNoPriv or authPriv)."""

    version: Literal["3"]
    user: str = Field(min_length=1)
    auth_proto: AuthProto | None = None
    auth_key: Secret | None = None
    priv_proto: PrivProto | None = None
    priv_key: Secret | None = None

    @model_validator(mode="before")
    @classmethod
    def _prepare(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        data["auth_proto"] = _normalise_proto(data.get("auth_proto"), _AUTH_ALIASES)
        data["priv_proto"] = _normalise_proto(data.get("priv_proto"), _PRIV_ALIASES)
        wanted = [k for k, p in (("auth_key", "auth_proto"), ("priv_key", "priv_proto"))
                  if data.get(p) is not None]
        return _fill_from_env(data, wanted)

    @model_validator(mode="after")
    def _keys_match_protocols(self) -> SnmpV3Config:
        if self.priv_proto is not None and self.auth_proto is None:
            raise ValueError("priv_proto needs auth_proto: SNMPv3 has no privacy without auth")
        for key, proto in (("auth_key", self.auth_proto), ("priv_key", self.priv_proto)):
            _check_key(key, proto, getattr(self, key))
        return self


def _check_key(key: str, proto: str | None, secret: SecretStr | None) -> None:
    if proto is not None and secret is None:
        raise ValueError(f"{key}: missing; set it or {SECRET_ENV[key]}")
    if proto is not None and secret is not None and len(secret.get_secret_value()) < 8:
        raise ValueError(f"{key}: must be at least 8 characters (SNMPv3 USM pass phrase)")
    if proto is None and secret is not None:
        raise ValueError(f"{key} is set but its protocol is not; add {key[:4]}_proto")


SnmpConfig = Annotated[SnmpV2cConfig | SnmpV3Config, Field(discriminator="version")]


class SnmpDefaults(_Section):
    """``defaults.snmp``: any SNMP key a device does not set itself (same version)."""

    version: Literal["2c", "3"] = "2c"
    community: Secret | None = None
    user: str | None = None
    auth_proto: AuthProto | None = None
    auth_key: Secret | None = None
    priv_proto: PrivProto | None = None
    priv_key: Secret | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        return _normalise_snmp(data)


class Defaults(_Section):
    """Inherited settings."""

    snmp: SnmpDefaults = SnmpDefaults()


SSH_SECRET_ENV: dict[str, str] = {
    "password": "DOTMAC_AGENT_SSH_PASSWORD",
    "enable_secret": "DOTMAC_AGENT_SSH_ENABLE_SECRET",
}


class SshConfig(_Section):
    """CLI access for provisioning jobs, backups and CLI metrics (never sent to the hub)."""

    username: str = Field(min_length=1)
    password: Secret | None = None
    port: Port = 22
    device_type: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]*$",
                                    description="netmiko device_type; default: the profile's")
    enable_secret: Secret | None = None
    private_key: Secret | None = Field(
        None, description="OpenSSH/PEM private key text for public-key login (pushed by the "
        "hub from a credential set); tried before the password")
    timeout_s: float = Field(10.0, gt=0, le=120)

    @model_validator(mode="before")
    @classmethod
    def _env_secrets(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        for key, env in SSH_SECRET_ENV.items():
            if key not in filled and env in os.environ:
                filled[key] = os.environ[env]
        return filled

    @model_validator(mode="after")
    def _has_password(self) -> SshConfig:
        if self.password is None and self.private_key is None:
            raise ValueError(f"password: missing; set it or {SSH_SECRET_ENV['password']} "
                             "(or give a private_key)")
        return self


class DeviceConfig(_Section):
    """One polled device; unset timing and SNMP keys are inherited (see module doc)."""

    name: str = Field(min_length=1, max_length=128, pattern=r"^[^\s]+$")
    label: str | None = Field(None, max_length=128,
                              description="The hub's name of a pushed device (its name is "
                              "the hub's device id); unset on agent.yaml devices")
    host: str = Field(min_length=1)
    port: Port = 161
    profile: str = Field("auto", pattern=r"^(auto|[a-z][a-z0-9_]*)$")
    interval_s: float = Field(60.0, ge=1, le=86400)
    timeout_s: float = Field(2.0, gt=0, le=60)
    retries: int = Field(1, ge=0, le=10)
    max_repetitions: int = Field(25, ge=1, le=200)
    bulk: bool = Field(True, description="false forces GETNEXT walks for broken agents")
    snmp: SnmpV2cConfig | SnmpV3Config | None = Field(
        None, discriminator="version", description="None only on `telemetry: ssh` devices")
    ssh: SshConfig | None = None
    telemetry: Telemetry = Field("snmp", description="How telemetry is read: snmp, ssh, both")
    event_sources: tuple[IpAddress, ...] = Field(
        (), max_length=32,
        description="More addresses the device sends traps/syslog from (loopbacks...)")

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if data.get("snmp") is None and data.get("telemetry") != "ssh":
            # No snmp block anywhere: v2c with the community from DOTMAC_AGENT_COMMUNITY.
            data = {**data, "snmp": {"version": "2c"}}
        if isinstance(data.get("snmp"), dict):
            data = {**data, "snmp": {"version": "2c", **_normalise_snmp(data["snmp"])}}
        return data

    @model_validator(mode="after")
    def _ssh_telemetry_needs(self) -> DeviceConfig:
        if self.telemetry == "snmp":
            return self
        if self.ssh is None:
            raise ValueError(f"telemetry: {self.telemetry} needs an ssh block "
                             "{username, password}; add one or set telemetry: snmp")
        if self.telemetry == "ssh" and self.profile == "auto":
            raise ValueError("telemetry: ssh needs a known profile (auto-detection uses SNMP); "
                             "set profile, e.g. cisco_ios")
        return self

    @property
    def polls_snmp(self) -> bool:
        """Whether the SNMP poller reads this device."""
        return self.telemetry in ("snmp", "both")

    @property
    def polls_ssh(self) -> bool:
        """Whether the profile's `cli_metrics` are read over SSH."""
        return self.telemetry in ("ssh", "both")


TRAP_SECRET_ENV: dict[str, str] = {
    "communities": "DOTMAC_AGENT_TRAP_COMMUNITIES",
    "auth_key": "DOTMAC_AGENT_TRAP_AUTH_KEY",
    "priv_key": "DOTMAC_AGENT_TRAP_PRIV_KEY",
}


def _engine_id(value: object) -> object:
    """An SNMP engine ID as lowercase hex without ``0x`` (5 to 32 octets, RFC 3411)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = format(value, "x")  # YAML reads an unquoted 0x80001f... as a number
        value = value if len(value) % 2 == 0 else "0" + value
    if not isinstance(value, str):
        return value
    text = value.strip().lower().removeprefix("0x").replace(":", "")
    if not re.fullmatch(r"(?:[0-9a-f]{2}){5,32}", text):
        raise ValueError(f"engine id {value!r}: must be 5 to 32 octets of hex "
                         "(e.g. 80001f8880c0ffee01, as snmptrap -e or the device shows it)")
    return text


EngineId = Annotated[str, BeforeValidator(_engine_id)]


def _split_communities(value: object) -> object:
    """``${VAR}`` or ``"a,b"`` in place of a list: a comma-separated list of communities."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = _expand_env(value)
        return [part.strip() for part in str(value).split(",") if part.strip()]
    return value


class TrapUserConfig(_Section):
    """An SNMPv3 USM user allowed to send traps and informs (authNoPriv or authPriv)."""

    user: str = Field(min_length=1, max_length=32)
    auth_proto: AuthProto
    auth_key: Secret | None = None
    priv_proto: PrivProto | None = None
    priv_key: Secret | None = None
    engine_ids: tuple[EngineId, ...] = Field(
        (), description="v3 *traps*: the engine IDs of the senders")

    @model_validator(mode="before")
    @classmethod
    def _prepare(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key, aliases in (("auth_proto", _AUTH_ALIASES), ("priv_proto", _PRIV_ALIASES)):
            if data.get(key) is not None:
                data[key] = _normalise_proto(data[key], aliases)
        for key, proto in (("auth_key", "auth_proto"), ("priv_key", "priv_proto")):
            env = TRAP_SECRET_ENV[key]
            if data.get(proto) is not None and key not in data and env in os.environ:
                data[key] = os.environ[env]
        return data

    @model_validator(mode="after")
    def _keys_match_protocols(self) -> TrapUserConfig:
        for key, proto in (("auth_key", self.auth_proto), ("priv_key", self.priv_proto)):
            secret = getattr(self, key)
            if proto is not None and secret is None:
                raise ValueError(f"{key}: missing; set it or {TRAP_SECRET_ENV[key]}")
            if secret is not None and len(secret.get_secret_value()) < 8:
                raise ValueError(f"{key}: must be at least 8 characters (SNMPv3 USM pass "
                                 "phrase)")
            if proto is None and secret is not None:
                raise ValueError(f"{key} is set but its protocol is not; add {key[:4]}_proto")
        return self


class TrapsSection(_Section):
    """``events.traps``: the SNMP trap/inform receiver (UDP)."""

    listen: IpAddress = "0.0.0.0"  # noqa: S104 - devices send from anywhere; mapped by source
    port: Port = 162
    communities: Annotated[tuple[Secret, ...], BeforeValidator(_split_communities)] = Field(
        (), max_length=64, description="v1/v2c communities accepted")
    engine_id: EngineId | None = Field(
        None, description="This receiver's engine ID (v3 informs); default: pysnmp's")
    users: tuple[TrapUserConfig, ...] = Field((), max_length=64)

    @model_validator(mode="before")
    @classmethod
    def _env_communities(cls, data: Any) -> Any:
        env = TRAP_SECRET_ENV["communities"]
        if isinstance(data, dict) and "communities" not in data and env in os.environ:
            return {**data, "communities": os.environ[env]}
        return data

    @model_validator(mode="after")
    def _accepts_something(self) -> TrapsSection:
        if not self.communities and not self.users:
            raise ValueError("no communities and no users: every trap would be refused; "
                             f"list communities (or set {TRAP_SECRET_ENV['communities']}) "
                             "or SNMPv3 users")
        names = [user.user for user in self.users]
        if len(set(names)) != len(names):
            raise ValueError("users: a user name is listed twice; keep one entry per user")
        return self


class SyslogSection(_Section):
    """``events.syslog``: UDP and TCP syslog listeners (a port set to null is off)."""

    listen: IpAddress = "0.0.0.0"  # noqa: S104 - devices send from anywhere; mapped by source
    udp_port: Port | None = 514
    tcp_port: Port | None = 514
    max_message_bytes: int = Field(8192, ge=480, le=65536)
    max_connections: int = Field(256, ge=1, le=4096)

    @model_validator(mode="after")
    def _one_transport(self) -> SyslogSection:
        if self.udp_port is None and self.tcp_port is None:
            raise ValueError("udp_port and tcp_port are both null: nothing would listen; "
                             "set one, or remove the syslog section")
        return self


class StormSection(_Section):
    """``events.storm``: per-source rate limit, folding window and memory caps."""

    rate_per_s: float = Field(50.0, gt=0, le=100_000)
    burst: float = Field(200.0, ge=1, le=1_000_000)
    window_s: float = Field(2.0, ge=0.1, le=300)
    max_keys: int = Field(10_000, ge=100, le=1_000_000)
    max_sources: int = Field(4_096, ge=16, le=1_000_000)


class EventsSection(_Section):
    """``events``: traps and syslog from devices (a receiver left out is off)."""

    traps: TrapsSection | None = None
    syslog: SyslogSection | None = None
    storm: StormSection = StormSection()

    @property
    def enabled(self) -> bool:
        """Whether any receiver runs."""
        return self.traps is not None or self.syslog is not None

    @model_validator(mode="after")
    def _ports_distinct(self) -> EventsSection:
        if (self.traps is not None and self.syslog is not None
                and self.syslog.udp_port == self.traps.port
                and self.syslog.listen == self.traps.listen):
            raise ValueError(f"syslog.udp_port and traps.port are both {self.traps.port} "
                             "on the same address; give syslog its own port (514)")
        return self


class AgentConfig(_Section):
    """The whole agent config file."""

    agent: AgentSection
    broker: BrokerSection
    polling: PollingSection = PollingSection()
    queue: QueueSection = QueueSection()
    health_interval_s: float = Field(60.0, ge=5, le=3600)
    defaults: Defaults = Defaults()
    devices: list[DeviceConfig] = Field(default_factory=list)
    events: EventsSection | None = None

    @model_validator(mode="before")
    @classmethod
    def _inherit(cls, data: Any) -> Any:
        return _apply_inheritance(data) if isinstance(data, dict) else data

    @field_validator("devices")
    @classmethod
    def _unique_names(cls, devices: list[DeviceConfig]) -> list[DeviceConfig]:
        seen: dict[str, int] = {}
        for index, device in enumerate(devices):
            if device.name in seen:
                raise ValueError(f"devices[{seen[device.name]}] and devices[{index}] are both "
                                 f"named {device.name!r}; device names must be unique")
            seen[device.name] = index
        _unique_event_sources(devices)
        return devices

    def device(self, name: str) -> DeviceConfig:
        """The device called ``name`` (a hub-pushed device: its id, else its hub label);
        KeyError if there is none."""
        for device in self.devices:
            if device.name == name:
                return device
        for device in self.devices:
            if device.label == name:
                return device
        raise KeyError(f"no device named {name!r} in the config")

    def snmp_target(self, device: DeviceConfig) -> SnmpTarget:
        """How the poller reaches ``device`` (secrets revealed only into this object)."""
        if device.snmp is None:
            raise ValueError(f"device {device.name}: telemetry: ssh, no SNMP settings; "
                             "add an snmp block or set telemetry: both")
        return SnmpTarget(
            device.host, device.port, credentials=_credentials(device.snmp),
            timeout=device.timeout_s, retries=device.retries,
            max_repetitions=device.max_repetitions, bulk=device.bulk,
        )


def _unique_event_sources(devices: list[DeviceConfig]) -> None:
    """An address a device sends from names one device, or events would go to the wrong one."""
    owner: dict[str, int] = {}
    for index, device in enumerate(devices):
        for address in device.event_sources:
            first = owner.setdefault(address, index)
            if first != index:
                raise ValueError(f"event source {address} is listed by devices[{first}] "
                                 f"({devices[first].name}) and devices[{index}] "
                                 f"({device.name}); keep it under the device that sends "
                                 "from it")


def _reveal(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()


def _credentials(snmp: SnmpV2cConfig | SnmpV3Config) -> SnmpV2c | SnmpV3:
    if isinstance(snmp, SnmpV2cConfig):
        return SnmpV2c(snmp.community.get_secret_value())
    return SnmpV3(snmp.user, snmp.auth_proto, _reveal(snmp.auth_key),
                  snmp.priv_proto, _reveal(snmp.priv_key))


def _apply_inheritance(data: dict[str, Any]) -> dict[str, Any]:
    """Copy ``polling`` timing and ``defaults.snmp`` into devices that do not set them.

    Done on the raw mapping so one rule serves files and Python callers alike; errors in
    inherited values are reported once, at their source, by the error formatter.
    """
    polling = _mapping(data, "polling")
    snmp_defaults = _mapping(_mapping(data, "defaults"), "snmp")
    data = {**data}
    broker, agent = _mapping(data, "broker"), _mapping(data, "agent")
    if broker and "username" not in broker and isinstance(agent.get("id"), str):
        data["broker"] = {**broker, "username": agent["id"]}  # the ACL pins id == username
    devices = data.get("devices")
    if isinstance(devices, list):
        data["devices"] = [_inherit_device(d, polling, snmp_defaults) for d in devices]
    return data


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _inherit_device(device: Any, polling: dict[str, Any], snmp: dict[str, Any]) -> Any:
    if not isinstance(device, dict):
        return device
    out = dict(device)
    for key, (_, source_key) in INHERITED.items():
        if key != "snmp" and key not in out and source_key in polling:
            out[key] = polling[source_key]
    own = out.get("snmp")
    if own is None and snmp:
        out["snmp"] = dict(snmp)
    elif isinstance(own, dict) and snmp:
        own = _normalise_snmp(own)
        same = _normalise_version(own.get("version", snmp.get("version", "2c"))) == \
            _normalise_version(snmp.get("version", "2c"))
        out["snmp"] = {**snmp, **own} if same else own
    return out


def load_config(path: Path | str) -> AgentConfig:
    """Read, validate and return the agent config at ``path``.

    Raises :class:`ConfigError` whose ``problems`` each name file, line, key and fix.
    """
    path = Path(path)
    data, lines = errors.read_yaml(path)
    try:
        return AgentConfig.model_validate(data)
    except ValidationError as exc:
        problems = errors.describe(exc, path, data, lines, AgentConfig, SECRET_ENV, INHERITED)
        raise ConfigError(problems) from None


def save_devices(
    path: Path | str, devices: Iterable[DeviceConfig], *, write_credentials: bool = False
) -> Path:
    """Add or update ``devices`` (matched by name) in the config file at ``path``.

    The result is validated before the file is replaced (atomically); the previous file is
    kept as ``<name>.bak``. YAML comments are lost (PyYAML does not keep them); keys,
    their order and ``${ENV}`` references are preserved. Credentials are written only with
    ``write_credentials`` (otherwise the device inherits ``defaults.snmp``).
    """
    path = Path(path)
    data, _ = errors.read_yaml(path)
    entries = data.setdefault("devices", []) or []
    data["devices"] = entries
    by_name = {e.get("name"): i for i, e in enumerate(entries) if isinstance(e, dict)}
    for device in devices:
        entry = _device_entry(device, write_credentials)
        if device.name in by_name:
            entries[by_name[device.name]].update(entry)
        else:
            by_name[device.name] = len(entries)
            entries.append(entry)
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return errors.replace_validated(path, text, load_config)


def _device_entry(device: DeviceConfig, write_credentials: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": device.name, "host": device.host}
    if device.port != 161:
        entry["port"] = device.port
    entry["profile"] = device.profile
    if write_credentials and device.snmp is not None:
        entry["snmp"] = {k: _reveal(v) if isinstance(v, SecretStr) else v
                         for k, v in device.snmp if v is not None}
    return entry
