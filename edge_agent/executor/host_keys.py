"""Trust on first use of devices' SSH host keys, kept in the agent's state directory.

    store = KnownHosts.in_state_dir(config.agent.state_dir)
    store.trusted("sw1", "10.0.0.2", 22)            # HostKey | None
    store.trust(HostKey("sw1", "10.0.0.2", 22, "ssh-ed25519", "AAAA..."))

The first login to a device records the key it showed; every later login must show the
same key, or it fails with `HostKeyChanged` before any password is sent (paramiko checks
the key during the key exchange, before authentication). A device whose key changed is
remembered with the key it offered until a tech accepts it (`dotmac-agent ssh-trust`), so
the health report keeps naming it.

The file reads like OpenSSH's known_hosts (`ssh-keygen -l -f` lists it): one line per
device, `<host pattern> <key type> <base64> device=<name>`; a key offered by a device and
refused is kept as `@offered <host pattern> <key type> <base64> device=<name>`. Entries are
keyed by device name, address and port, so a renamed or readdressed device is a new one.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KNOWN_HOSTS_FILE", "HostKey", "HostKeyChanged", "KnownHosts"]

KNOWN_HOSTS_FILE = "ssh_known_hosts"
_OFFERED = "@offered"
_LOCK = threading.Lock()  # threads of one agent; flock serialises agent and CLI processes


@dataclass(frozen=True)
class HostKey:
    """One device's SSH host key as seen at `host`:`port`."""

    device: str
    host: str
    port: int
    key_type: str
    key_b64: str

    @property
    def where(self) -> tuple[str, str, int]:
        """The entry's key: device name, address, port."""
        return (self.device, self.host, self.port)

    @property
    def fingerprint(self) -> str:
        """The OpenSSH SHA256 fingerprint (what `ssh-keygen -l` and devices print)."""
        digest = hashlib.sha256(base64.b64decode(self.key_b64)).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")

    def host_pattern(self) -> str:
        """The host as OpenSSH and paramiko name it (bare on port 22)."""
        return self.host if self.port == 22 else f"[{self.host}]:{self.port}"

    def line(self) -> str:
        """The known_hosts line of this key."""
        return f"{self.host_pattern()} {self.key_type} {self.key_b64} device={self.device}"

    @classmethod
    def from_paramiko(cls, device: str, host: str, port: int, key: object) -> HostKey:
        """The key paramiko got from the device (a `paramiko.PKey`)."""
        return cls(device, host, port, key.get_name(), key.get_base64())  # type: ignore[attr-defined]


class HostKeyChanged(Exception):  # noqa: N818 - an outcome with a stable job code
    """The device showed a different SSH host key than the one trusted for it."""

    def __init__(self, trusted: HostKey, offered: HostKey | None) -> None:
        seen = offered.fingerprint if offered is not None else "a key of another type"
        super().__init__(
            f"device {trusted.device} ({trusted.host}:{trusted.port}) showed SSH host key "
            f"{seen}, not the trusted {trusted.fingerprint}; no password was sent. Someone "
            f"may be impersonating it. If the device was replaced or re-keyed, check the "
            f"fingerprint on its console, then run: dotmac-agent ssh-trust {trusted.device}")
        self.trusted = trusted
        self.offered = offered


def _parse(line: str) -> tuple[bool, HostKey] | None:
    fields = line.split()
    offered = bool(fields) and fields[0] == _OFFERED
    fields = fields[1:] if offered else fields
    if len(fields) < 4 or not fields[3].startswith("device="):
        return None  # blank, comment or a line we did not write
    pattern, key_type, key_b64, device = fields[0], fields[1], fields[2], fields[3][7:]
    host, port = pattern, 22
    if pattern.startswith("["):
        host, _, rest = pattern[1:].partition("]:")
        port = int(rest)
    return offered, HostKey(device, host, port, key_type, key_b64)


def _of_device(keys: dict[tuple[str, str, int], HostKey], device: str) -> HostKey | None:
    return next((key for key in keys.values() if key.device == device), None)


class KnownHosts:
    """The agent's trusted device host keys (one file, written atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_state_dir(cls, state_dir: Path) -> KnownHosts:
        """The store of the agent whose state lives in `state_dir`."""
        return cls(state_dir / KNOWN_HOSTS_FILE)

    # -- reading -----------------------------------------------------------------------------
    def _read(self) -> tuple[dict[tuple[str, str, int], HostKey],
                             dict[tuple[str, str, int], HostKey]]:
        trusted: dict[tuple[str, str, int], HostKey] = {}
        offered: dict[tuple[str, str, int], HostKey] = {}
        with contextlib.suppress(FileNotFoundError):
            for line in self.path.read_text(encoding="utf-8").splitlines():
                parsed = _parse(line)
                if parsed is not None:
                    (offered if parsed[0] else trusted)[parsed[1].where] = parsed[1]
        return trusted, offered

    def trusted(self, device: str, host: str, port: int) -> HostKey | None:
        """The key trusted for `device` at `host`:`port`, None before its first login."""
        return self._read()[0].get((device, host, port))

    def for_device(self, device: str) -> tuple[HostKey | None, HostKey | None]:
        """The trusted key and the refused offered key of `device` (any address)."""
        trusted, offered = self._read()
        return _of_device(trusted, device), _of_device(offered, device)

    def changed_devices(self) -> set[str]:
        """Devices that showed a key other than their trusted one and were not re-trusted."""
        return {key.device for key in self._read()[1].values()}

    # -- writing -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _LOCK, open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, trusted: dict[tuple[str, str, int], HostKey],
               offered: dict[tuple[str, str, int], HostKey]) -> None:
        lines = ["# DotMac Edge agent: trusted device SSH host keys (dotmac-agent ssh-trust)"]
        lines += [key.line() for key in trusted.values()]
        lines += [f"{_OFFERED} {key.line()}" for key in offered.values()]
        # A crash mid-write must never leave a half file: that would re-trust every device.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".known_hosts.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def first_use(self, key: HostKey) -> None:
        """Record the key of a device's first login (HostKeyChanged if another got there)."""
        with self._locked():
            trusted, offered = self._read()
            known = trusted.get(key.where)
            if known is not None and known.key_b64 != key.key_b64:
                offered[key.where] = key
                self._write(trusted, offered)
                raise HostKeyChanged(known, key)
            if known is None:
                trusted[key.where] = key
                self._write(trusted, offered)

    def refused(self, trusted_key: HostKey, offered_key: HostKey | None) -> None:
        """Remember that the device showed another key (for health and `ssh-trust`)."""
        with self._locked():
            trusted, offered = self._read()
            offered[trusted_key.where] = offered_key or trusted_key
            self._write(trusted, offered)

    def trust(self, key: HostKey) -> HostKey | None:
        """Trust `key` for its device from now on (a tech checked it); the key it replaces."""
        with self._locked():
            trusted, offered = self._read()
            old = _of_device(trusted, key.device)
            for table in (trusted, offered):
                for where in [w for w in table if w[0] == key.device]:
                    del table[where]
            trusted[key.where] = key
            self._write(trusted, offered)
            return old

    @contextlib.contextmanager
    def pin_file(self, key: HostKey) -> Iterator[Path]:
        """A one-line known_hosts file holding `key`, for paramiko (removed afterwards)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".pin.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(f"{key.host_pattern()} {key.key_type} {key.key_b64}\n")
            yield Path(tmp)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
