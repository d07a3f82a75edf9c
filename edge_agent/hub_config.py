"""The configuration the hub pushes (`cmd/config`): checked, converted, merged, remembered.

Pure pieces, no tasks and no broker: the runtime wires them.

- :func:`validate_push` turns a ``ConfigPush`` into an ``EdgeConfig`` or raises
  :class:`HubConfigError` whose ``code`` is a ``ConfigErrorCode`` (the ``config_ack``'s
  ``error_code``).
- :func:`to_devices` converts the pushed devices into the agent's ``DeviceConfig`` (named
  by the hub's device id, the hub's name kept as ``label``), deterministically: the same
  push gives equal devices, so an unchanged device keeps its schedule.
- :func:`merge_devices` applies the precedence rule of docs/agent-config.md: hub devices
  win; a local device shadowing one of them is dropped.
- :class:`HubConfigStore` keeps the last applied push in ``state_dir/hub-config.json``
  (0600: it holds credentials) so a restart polls it before the hub is reachable.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError

from edge_agent.config import (
    AgentConfig,
    DeviceConfig,
    PollingSection,
    SnmpV2cConfig,
    SnmpV3Config,
    SshConfig,
)
from protocol import ConfigAck, ConfigPush
from protocol.edge_config import (
    ConfigDocumentError,
    ConfigErrorCode,
    EdgeConfig,
    PushedDevice,
    SnmpV2cCredential,
    SnmpV3Credential,
    SshCredential,
    content_hash,
    unpack,
)

__all__ = [
    "HUB_CONFIG_FILE",
    "AppliedConfig",
    "HubConfigError",
    "HubConfigStatus",
    "HubConfigStore",
    "merge_devices",
    "to_devices",
    "validate_push",
    "with_hub_devices",
]

log = logging.getLogger("edge_agent.hub_config")

HUB_CONFIG_FILE = "hub-config.json"
Credential = SnmpV2cCredential | SnmpV3Credential | SshCredential


class HubConfigError(Exception):
    """A push the agent refuses; ``code`` is a :class:`ConfigErrorCode`, ``detail`` has no
    secrets (it names the device or field and the fix)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class AppliedConfig:
    """A push that runs (or ran): its version, hash and document."""

    version: int
    content_hash: str
    config: EdgeConfig


@dataclass
class HubConfigStatus:
    """What runs from the hub and what was refused (for acks, `status` and status.json)."""

    applied: AppliedConfig | None = None
    devices: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    last_error: dict[str, object] | None = None
    load_error: str | None = None

    @property
    def version(self) -> int:
        """The applied version, 0 when none."""
        return self.applied.version if self.applied else 0

    @property
    def content_hash(self) -> str:
        """The applied document's hash, empty when none."""
        return self.applied.content_hash if self.applied else ""

    def use(self, applied: AppliedConfig, devices: int) -> None:
        """Record a push that now runs."""
        self.applied, self.devices, self.load_error = applied, devices, None

    def ack(self, agent_id: str, status: str = "current") -> ConfigAck:
        """``applied`` (after :meth:`use`) or ``current`` (after connecting)."""
        return ConfigAck.model_validate({
            "agent_id": agent_id, "seq": 1, "ts": datetime.now(UTC), "status": status,
            "config_version": self.version, "content_hash": self.content_hash,
            "applied_version": self.version, "devices": self.devices})

    def reject(self, agent_id: str, push: ConfigPush | None, code: str,
               detail: str) -> ConfigAck:
        """Count and log a refusal; the ack says why and what still runs. ``push`` is None
        for a message that could not even be decoded (too large, not a config_push): its
        ack carries version 0."""
        version = push.config_version if push is not None else 0
        self.rejected[code] += 1
        self.last_error = {"code": code, "detail": detail, "version": version,
                           "at": datetime.now(UTC).isoformat()}
        log.warning("config.rejected code=%s version=%d detail=%s", code, version, detail)
        return ConfigAck(agent_id=agent_id, seq=1, ts=datetime.now(UTC), status="rejected",
                         config_version=version,
                         content_hash=push.content_hash if push is not None else "",
                         applied_version=self.version, error_code=code, detail=detail[:4096],
                         devices=self.devices)

    def snapshot(self) -> dict[str, object]:
        """For status.json (no secrets)."""
        return {"applied_version": self.version, "content_hash": self.content_hash,
                "devices": self.devices, "rejected": dict(self.rejected),
                "last_error": self.last_error, "load_error": self.load_error}


# ---- validation ----------------------------------------------------------------------------

def validate_push(push: ConfigPush, agent_id: str, applied_version: int,
                  profiles: Collection[str]) -> EdgeConfig:
    """The push's document when this agent may apply it; raises :class:`HubConfigError`."""
    if push.agent_id != agent_id:
        raise HubConfigError(ConfigErrorCode.WRONG_AGENT,
                             f"push addressed to agent {push.agent_id!r}, this is {agent_id!r}")
    if push.config_version <= applied_version:
        raise HubConfigError(ConfigErrorCode.STALE_VERSION,
                             f"version {push.config_version} is not newer than the applied "
                             f"version {applied_version}")
    try:
        config = unpack(push.document, push.content_hash)
    except ConfigDocumentError as exc:
        raise HubConfigError(exc.code, exc.detail) from None
    check_document(config, profiles)
    return config


def check_document(config: EdgeConfig, profiles: Collection[str]) -> None:
    """Cross-references the schema cannot check: ids, profiles, credential kinds."""
    seen: set[str] = set()
    credentials = {c.id: c for c in config.credentials}
    for device in config.devices:
        if str(device.id) in seen:
            raise HubConfigError(ConfigErrorCode.INVALID, f"device {device.id} appears twice")
        seen.add(str(device.id))
        if device.profile != "auto" and device.profile not in profiles:
            raise HubConfigError(ConfigErrorCode.UNKNOWN_PROFILE,
                                 f"device {device.id}: this agent has no profile "
                                 f"{device.profile!r}; upgrade the agent or pick another")
        _check_credentials(device, credentials)
    for discovery in config.discoveries:
        for ref in discovery.credentials:
            if not isinstance(credentials.get(ref), SnmpV2cCredential | SnmpV3Credential):
                raise HubConfigError(ConfigErrorCode.UNKNOWN_CREDENTIAL,
                                     f"discovery {discovery.id}: no SNMP credential set {ref}")


def _check_credentials(device: PushedDevice, credentials: dict[Any, Credential]) -> None:
    snmp = credentials.get(device.snmp_credential) if device.snmp_credential else None
    ssh = credentials.get(device.ssh_credential) if device.ssh_credential else None
    if device.snmp_credential is not None and not isinstance(
            snmp, SnmpV2cCredential | SnmpV3Credential):
        raise HubConfigError(ConfigErrorCode.UNKNOWN_CREDENTIAL,
                             f"device {device.id}: snmp_credential {device.snmp_credential} is "
                             "not an SNMP credential set of this push")
    if device.ssh_credential is not None and not isinstance(ssh, SshCredential):
        raise HubConfigError(ConfigErrorCode.UNKNOWN_CREDENTIAL,
                             f"device {device.id}: ssh_credential {device.ssh_credential} is "
                             "not an SSH credential set of this push")
    # A device without a set is not refused here: it may use the agent.yaml device it
    # shadows (to_devices), which refuses it, naming the device, when nothing is found.



# ---- conversion ----------------------------------------------------------------------------

def to_devices(config: EdgeConfig, polling: PollingSection,
               local: Sequence[DeviceConfig] = ()) -> list[DeviceConfig]:
    """The pushed devices as the agent polls them (call after :func:`validate_push`).

    Credentials may stay on the POP: a pushed device with no SNMP (or SSH) credential set
    takes the ``snmp`` (or ``ssh``) block of the agent.yaml device it shadows (same label
    or id as its name, or same host and port), so a hub that manages the device list need
    not hold the secrets. With neither, SNMP falls back to DOTMAC_AGENT_COMMUNITY and a
    device that needs SSH is refused (``invalid``, naming the device).
    """
    credentials = {c.id: c for c in config.credentials}
    return [_to_device(device, credentials, polling, _local_twin(device, local))
            for device in config.devices]


def _local_twin(device: PushedDevice, local: Sequence[DeviceConfig]) -> DeviceConfig | None:
    for candidate in local:
        if candidate.name in (device.name, str(device.id)) or \
                (candidate.host, candidate.port) == (device.host, device.snmp_port):
            return candidate
    return None


def _to_device(device: PushedDevice, credentials: dict[Any, Credential],
               polling: PollingSection, twin: DeviceConfig | None) -> DeviceConfig:
    data: dict[str, Any] = {
        "name": str(device.id), "label": device.name, "host": device.host,
        "port": device.snmp_port, "profile": device.profile, "telemetry": device.telemetry,
        "interval_s": device.interval_s, "timeout_s": device.timeout_s,
        "retries": device.retries, "max_repetitions": polling.max_repetitions,
        "snmp": twin.snmp if twin is not None else None,
        "ssh": _local_ssh(twin, device.ssh_port),
        "event_sources": _event_sources(device, twin),
    }
    if device.snmp_credential is not None:
        data["snmp"] = _snmp(credentials[device.snmp_credential])
    if device.ssh_credential is not None:
        data["ssh"] = _ssh(credentials[device.ssh_credential], device.ssh_port)
    try:
        return DeviceConfig.model_validate(data)
    except ValidationError as exc:
        raise HubConfigError(ConfigErrorCode.INVALID,
                             f"device {device.id} ({device.name}): {_first_error(exc)}; "
                             "give it a credential set at the hub") from None


def _event_sources(device: PushedDevice, twin: DeviceConfig | None) -> tuple[str, ...]:
    """What the hub pushes (`event_sources`, since 1.3), else the agent.yaml twin's: a
    device's loopbacks are often known only on the POP."""
    pushed = tuple(device.event_sources)
    return pushed or (twin.event_sources if twin is not None else ())


def _local_ssh(twin: DeviceConfig | None, port: int) -> SshConfig | None:
    if twin is None or twin.ssh is None:
        return None
    if twin.ssh.port != 22 or port == 22:
        return twin.ssh  # the local block names its own port, or the hub has none to say
    return twin.ssh.model_copy(update={"port": port})


def _secret(value: str | None) -> SecretStr | None:
    # A SecretStr, never a str: the agent.yaml loader would expand "${NAME}" from the
    # agent's environment, and a pushed value must never read it.
    return None if value is None else SecretStr(value)


def _snmp(credential: Credential) -> SnmpV2cConfig | SnmpV3Config:
    try:
        if isinstance(credential, SnmpV2cCredential):
            return SnmpV2cConfig(version="2c", community=SecretStr(credential.community))
        assert isinstance(credential, SnmpV3Credential)
        return _snmp_v3(credential)
    except ValidationError as exc:
        raise HubConfigError(ConfigErrorCode.INVALID,
                             f"credential set {credential.id}: {_first_error(exc)}") from None


def _snmp_v3(credential: SnmpV3Credential) -> SnmpV3Config:
    for key, proto in (("auth_key", credential.auth_proto),
                       ("priv_key", credential.priv_proto)):
        if proto is not None and getattr(credential, key) is None:
            raise HubConfigError(ConfigErrorCode.INVALID,
                                 f"credential set {credential.id}: {key} missing for {proto}")
    return SnmpV3Config.model_validate({
        "version": "3", "user": credential.user,
        "auth_proto": credential.auth_proto, "auth_key": _secret(credential.auth_key),
        "priv_proto": credential.priv_proto, "priv_key": _secret(credential.priv_key),
    })


def _ssh(credential: Credential, port: int) -> SshConfig:
    assert isinstance(credential, SshCredential)
    try:
        return SshConfig.model_validate({
            "username": credential.username, "password": _secret(credential.password),
            "enable_secret": _secret(credential.enable_secret), "port": port,
            "private_key": _secret(credential.private_key),
        })
    except ValidationError as exc:
        raise HubConfigError(ConfigErrorCode.INVALID,
                             f"credential set {credential.id}: {_first_error(exc)}") from None


def _first_error(exc: ValidationError) -> str:
    # loc and msg only: pydantic's "input" would carry the secret.
    first = exc.errors(include_input=False, include_url=False)[0]
    path = ".".join(str(p) for p in first["loc"])
    return f"{path}: {first['msg']}" if path else str(first["msg"])


# ---- precedence ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Shadowed:
    """A local device dropped because a hub device covers it."""

    device: str
    by: str


def merge_devices(local: Sequence[DeviceConfig], hub: Sequence[DeviceConfig]
                  ) -> tuple[list[DeviceConfig], list[Shadowed]]:
    """Hub devices, then the local ones no hub device shadows (docs/agent-config.md).

    A local device is shadowed by a hub device with the same host and port, or whose id
    or label equals the local device's name.
    """
    by_address = {(d.host, d.port): d.name for d in hub}
    by_name = {d.name: d.name for d in hub}
    by_name.update({d.label: d.name for d in hub if d.label and d.label not in by_name})
    kept: list[DeviceConfig] = []
    shadowed: list[Shadowed] = []
    for device in local:
        owner = by_address.get((device.host, device.port)) or by_name.get(device.name)
        if owner is None:
            kept.append(device)
        else:
            shadowed.append(Shadowed(device.name, owner))
    return [*hub, *kept], shadowed


def log_shadowed(shadowed: Iterable[Shadowed]) -> None:
    """One warning per shadowed local device."""
    for item in shadowed:
        log.warning("config.local_shadowed device=%s by=%s", item.device, item.by)


# ---- the store -----------------------------------------------------------------------------

class HubConfigStore:
    """The last applied push, in ``state_dir/hub-config.json`` (mode 0600)."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / HUB_CONFIG_FILE

    def load(self) -> AppliedConfig | None:
        """The stored config, None when there is none; ValueError when it is corrupt."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            data = json.loads(raw)
            config = EdgeConfig.model_validate(data["config"], strict=False)
            version, digest = int(data["version"]), str(data["content_hash"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{self.path}: unreadable ({type(exc).__name__}); delete it, the "
                             "hub re-sends the config on the next connect") from None
        if content_hash(config) != digest:
            raise ValueError(f"{self.path}: content hash mismatch; delete it, the hub "
                             "re-sends the config on the next connect")
        return AppliedConfig(version, digest, config)

    def save(self, applied: AppliedConfig) -> None:
        """Write atomically (tmp, fsync, rename, fsync the directory); raises OSError."""
        body = json.dumps({"version": applied.version, "content_hash": applied.content_hash,
                           "config": applied.config.model_dump(mode="json")}).encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # an older tmp file may have had another mode
        with os.fdopen(fd, "wb") as file:
            file.write(body)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def with_hub_devices(config: AgentConfig) -> AgentConfig:
    """``config`` with the devices the hub last pushed merged in, as the running agent polls
    them (for the field commands: `job run`, `backup`, `ssh`). An unusable store is logged
    and the agent.yaml devices are returned alone."""
    try:
        applied = HubConfigStore(config.agent.state_dir).load()
        if applied is None:
            return config
        hub = to_devices(applied.config, config.polling, config.devices)
    except (OSError, ValueError, HubConfigError) as exc:
        log.warning("config.hub_store_unusable error=%s; agent.yaml devices only", exc)
        return config
    merged, _shadowed = merge_devices(config.devices, hub)
    return config.model_copy(update={"devices": merged})
