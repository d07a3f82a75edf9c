"""SSH transport: who to log in to and a netmiko-backed CLI session (blocking I/O only).

`CliSession` is the seam between the job logic and the wire; `NetmikoSession` is the
production implementation. Everything here blocks: callers run it in the executor's
thread pool.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

from edge_agent.config import DeviceConfig
from edge_agent.executor.host_keys import HostKey, HostKeyChanged, KnownHosts
from firmware_profiles.actions import PlatformActions, Prompts

__all__ = [
    "CliSession",
    "Connector",
    "NapalmSession",
    "NetmikoSession",
    "SshTarget",
    "host_key_check",
    "napalm_available",
    "offered_host_key",
    "ssh_target",
]


@dataclass(frozen=True)
class SshTarget:
    """Where and as whom to log in; secrets are kept out of repr (and so out of logs)."""

    device: str
    host: str
    port: int
    username: str
    password: str | None = field(repr=False)
    device_type: str
    enable_secret: str | None = field(default=None, repr=False)
    timeout_s: float = 10.0
    # The agent's trusted host keys; None (only tests and one-off tools) skips the check.
    known_hosts: Path | None = None
    # A private key (OpenSSH/PEM text) for public-key login, tried before the password.
    private_key: str | None = field(default=None, repr=False)

    def login_args(self) -> dict[str, Any]:
        """netmiko's credential keywords: the key as a paramiko object (never a file on
        disk), the agent's own ssh-agent and ~/.ssh keys never offered."""
        # use_keys stays False: it means "look in ~/.ssh and key_file"; paramiko uses pkey.
        args: dict[str, Any] = {"password": self.password or "", "use_keys": False,
                                "allow_agent": False}
        if self.private_key is not None:
            args["pkey"] = load_private_key(self.private_key)
        return args


def load_private_key(text: str) -> Any:
    """A paramiko key from OpenSSH/PEM text (Ed25519, ECDSA or RSA); ValueError otherwise."""
    import io

    import paramiko

    for kind in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return kind.from_private_key(io.StringIO(text))
        except (paramiko.SSHException, ValueError):
            continue
    raise ValueError("private_key: not an unencrypted Ed25519, ECDSA or RSA private key")


class MissingCredentialsError(ValueError):
    """The device has no `ssh:` block in the agent config."""


def ssh_target(device: DeviceConfig, platform: PlatformActions,
               known_hosts: Path | None = None) -> SshTarget:
    """The SSH target of a configured device (MissingCredentialsError without an ssh block).

    `known_hosts` is the agent's host-key store (`KnownHosts.path`): logins to the device
    then trust its key on first use and refuse a changed one before sending the password.
    """
    ssh = device.ssh
    if ssh is None or (ssh.password is None and ssh.private_key is None):
        raise MissingCredentialsError(
            f"device {device.name}: no SSH credentials; add devices[{device.name}].ssh "
            "{username, password} to the agent config (or set DOTMAC_AGENT_SSH_PASSWORD)")
    return SshTarget(device.name, device.host, ssh.port, ssh.username, _reveal(ssh.password),
                     ssh.device_type or platform.device_type, _reveal(ssh.enable_secret),
                     ssh.timeout_s, known_hosts, _reveal(ssh.private_key))


def _key_args(target: SshTarget) -> dict[str, Any]:
    args = target.login_args()
    del args["password"]  # napalm takes it positionally
    return args


def _reveal(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()


def _bad_host_key(exc: BaseException) -> Any:
    # netmiko re-raises paramiko's BadHostKeyException as a timeout (and napalm wraps that
    # again), so look for it along the chain of causes.
    from paramiko import BadHostKeyException

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, BadHostKeyException):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


@contextlib.contextmanager
def host_key_check(target: SshTarget) -> Iterator[dict[str, Any]]:
    """netmiko arguments that make paramiko check the device's host key.

    paramiko compares the key during the key exchange, before authentication, so a device
    showing another key than the trusted one never sees the password: the login raises
    HostKeyChanged. Before the first login there is nothing to compare (trust on first use:
    `remember_first_key` records the key once logged in).
    """
    if target.known_hosts is None:
        yield {}
        return
    store = KnownHosts(target.known_hosts)
    pinned = store.trusted(target.device, target.host, target.port)
    if pinned is None:
        yield {"ssh_strict": False, "system_host_keys": False, "alt_host_keys": False}
        return
    with store.pin_file(pinned) as path:
        try:
            yield {"ssh_strict": True, "system_host_keys": False, "alt_host_keys": True,
                   "alt_key_file": str(path)}
        except Exception as exc:
            bad = _bad_host_key(exc)
            if bad is None:
                raise
            offered = HostKey.from_paramiko(target.device, target.host, target.port, bad.key)
            store.refused(pinned, offered)
            raise HostKeyChanged(pinned, offered) from exc


def remember_first_key(target: SshTarget, conn: Any) -> None:
    """Record the host key of a device's first login (no-op once one is trusted)."""
    if target.known_hosts is None:
        return
    store = KnownHosts(target.known_hosts)
    if store.trusted(target.device, target.host, target.port) is not None:
        return
    key = conn.remote_conn_pre.get_transport().get_remote_server_key()
    store.first_use(HostKey.from_paramiko(target.device, target.host, target.port, key))


def offered_host_key(device: str, host: str, port: int, timeout_s: float = 10.0) -> HostKey:
    """The host key `host`:`port` shows now: key exchange only, no login is attempted."""
    import socket

    import paramiko

    with socket.create_connection((host, port), timeout=timeout_s) as sock:
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=timeout_s)
            key = transport.get_remote_server_key()
        finally:
            transport.close()
    return HostKey.from_paramiko(device, host, port, key)


class CliSession(Protocol):
    """One logged-in CLI session."""

    def show(self, command: str) -> str:
        """Run a read-only command; its output."""

    def confirm(self, command: str, question: str, answer: str) -> str:
        """Run a command that may ask `question` (a regex) first; answer it; all output."""

    def enter_config(self) -> None:
        """Enter configuration mode (no-op on platforms without one)."""

    def config_line(self, line: str) -> str:
        """Send one configuration line; the device's answer."""

    def commit(self) -> str:
        """Commit the candidate configuration (platforms with `commit: true`)."""

    def leave_config(self) -> None:
        """Return to exec mode."""

    def close(self) -> None:
        """Log out; never raises."""


Connector = Callable[[SshTarget, PlatformActions], CliSession]
_ANSWERED_S = 120.0  # how long an answered question (a save) may take to finish


class NetmikoSession:
    """`CliSession` over netmiko's ConnectHandler."""

    prompts: Prompts | None = None

    def __init__(self, target: SshTarget, platform: PlatformActions) -> None:
        from netmiko import ConnectHandler  # heavy import: only agents that use SSH pay it

        t = target.timeout_s
        self.timeout = t
        with host_key_check(target) as pin:
            self.conn: Any = ConnectHandler(
                device_type=target.device_type, host=target.host, port=target.port,
                username=target.username, **target.login_args(),
                secret=target.enable_secret or "", timeout=t, conn_timeout=t, auth_timeout=t,
                banner_timeout=t, session_timeout=t, fast_cli=True, **pin,
            )
        self._remember_first_key(target)
        if platform.enable and target.enable_secret:
            self.conn.enable()
        self.prompts = platform.prompts
        if self.prompts is not None:
            setattr(self.conn, "check_config_mode",  # noqa: B010 (replacing a method)
                    _prompt_check(self.conn, self.prompts.config, self.prompts.exec, t))

    def _remember_first_key(self, target: SshTarget) -> None:
        try:
            remember_first_key(target, self.conn)
        except BaseException:
            self.close()  # another login trusted a different key meanwhile
            raise

    def _lost(self) -> bool:
        channel = getattr(self.conn, "remote_conn", None)
        transport = getattr(channel, "transport", None)
        return bool(getattr(channel, "closed", False)) or (
            transport is not None and not transport.is_active())

    def _guard(self, call: Callable[[], object]) -> str:
        # A dropped session shows up in netmiko as a read timeout; say what really happened.
        try:
            return str(call())
        except Exception as exc:
            if self._lost():
                raise ConnectionResetError("the device closed the SSH session") from exc
            raise

    def show(self, command: str) -> str:
        """Run a read-only command; its output."""
        return self._guard(lambda: self.conn.send_command(command, read_timeout=self.timeout))

    def confirm(self, command: str, question: str, answer: str) -> str:
        """Run `command`; when it asks `question` (a regex), send `answer`. All output."""
        def ask() -> str:
            prompt = re.escape(self.conn.find_prompt())
            asked = str(self.conn.send_command(command, expect_string=f"{question}|{prompt}",
                                               read_timeout=self.timeout))
            if re.search(question, asked) is None:
                return asked
            # Saving a configuration can take a while on a busy device.
            return asked + "\n" + str(self.conn.send_command(
                answer, expect_string=prompt, read_timeout=max(self.timeout, _ANSWERED_S)))
        return self._guard(ask)

    def enter_config(self) -> None:
        """Enter configuration mode."""
        self.conn.config_mode()

    def config_line(self, line: str) -> str:
        """Send one configuration line without leaving configuration mode."""
        return self._guard(lambda: self.conn.send_config_set(
            [line], enter_config_mode=False, exit_config_mode=False, read_timeout=self.timeout))

    def commit(self) -> str:
        """Commit (raises ValueError when the device does not confirm it)."""
        return str(self.conn.commit())

    def leave_config(self) -> None:
        """Return to exec mode."""
        prompts = self.prompts
        if prompts is not None and prompts.leave is not None:
            either = f"(?m)(?:{prompts.exec})|(?:{prompts.config})"
            left = str(self.conn.send_command(prompts.leave, expect_string=either,
                                              read_timeout=self.timeout))
            lines = [line.strip() for line in left.splitlines() if line.strip()]
            if lines and re.search(prompts.config, lines[-1]) is None:
                return
        self.conn.exit_config_mode()  # the driver's own way (e.g. `exit discard` when asked)

    def close(self) -> None:
        """Disconnect; errors are irrelevant once we are done with the session."""
        with contextlib.suppress(Exception):
            self.conn.disconnect()


def _prompt_check(conn: Any, config: str, exec_: str, timeout: float) -> Callable[..., bool]:
    """netmiko's check_config_mode for drivers that tell configuration mode by waiting for
    silence (huawei, vyos: 2 s per check, several checks per change): press Enter, read up
    to the next prompt line (the profile's `prompts`) and say whether it is the config one."""
    either = f"(?:{config})|(?:{exec_})"

    def check(check_string: str = "", pattern: str = "", force_regex: bool = False) -> bool:
        conn.write_channel(conn.RETURN)
        output = str(conn.read_until_pattern(pattern=either, re_flags=re.MULTILINE,
                                             read_timeout=timeout))
        lines = [line.strip() for line in output.splitlines() if line.strip()] or [""]
        return re.search(config, lines[-1]) is not None
    return check


def napalm_available() -> bool:
    """Whether the optional napalm extra is installed (`pip install dotmac[napalm]`)."""
    return importlib.util.find_spec("napalm") is not None


class NapalmSession(NetmikoSession):
    """A napalm driver: its getters, and `show` over the netmiko session napalm opened.

    One login serves both, so a device polled with TextFSM commands and napalm getters
    keeps a single session between polls.
    """

    def __init__(self, target: SshTarget, platform: PlatformActions) -> None:
        from napalm import get_network_driver  # optional extra: imported only when used

        if platform.napalm_driver is None:
            raise ValueError(f"profile {platform.os} has no napalm_driver")
        t = target.timeout_s
        self.timeout = t
        with host_key_check(target) as pin:
            self.driver: Any = get_network_driver(platform.napalm_driver)(
                target.host, target.username, target.password or "", timeout=max(1, round(t)),
                optional_args={"port": target.port, "secret": target.enable_secret or "",
                               **_key_args(target),
                               "conn_timeout": t, "auth_timeout": t, "banner_timeout": t,
                               **pin})
            self.driver.open()
        self.conn = self.driver.device
        self._remember_first_key(target)

    def getter(self, name: str) -> Any:
        """Run napalm getter `name` (e.g. get_interfaces_counters); its result."""
        return getattr(self.driver, name)()

    def close(self) -> None:
        """Close the driver; errors are irrelevant once we are done with the session."""
        with contextlib.suppress(Exception):
            self.driver.close()
