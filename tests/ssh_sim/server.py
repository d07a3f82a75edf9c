"""The SSH server: one loopback listener per simulated device, on a private event loop.

The server runs in its own thread so blocking clients (netmiko, napalm) may be called
straight from a test without starving it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncssh

from tests.ssh_sim.shell import Reply, Shell
from tests.ssh_sim.state import DeviceState, Faults
from tests.ssh_sim.terminal import Terminal

_names = itertools.count(1)


@dataclass
class SimDevice:
    """One simulated device: where to reach it, its credentials, state and fault switches."""

    platform: str
    name: str
    username: str
    password: str
    enable_secret: str
    state: DeviceState
    faults: Faults = field(default_factory=Faults)
    host: str = "127.0.0.1"
    port: int = 0
    server: asyncssh.SSHAcceptor | None = field(default=None, repr=False)
    host_key: asyncssh.SSHKey | None = field(default=None, repr=False)
    loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    # A client key the device accepts for `username` (public-key login), if any.
    authorized_key: asyncssh.SSHKey | None = field(default=None, repr=False)

    def authorize_new_key(self, algorithm: str = "ssh-ed25519") -> str:
        """Accept public-key logins with a fresh key pair; return its private key (OpenSSH
        PEM), as an operator would paste it into a credential set."""
        key = asyncssh.generate_private_key(algorithm)
        self.authorized_key = key
        return key.export_private_key().decode()

    def replace_host_key(self, algorithm: str = "ssh-ed25519") -> asyncssh.SSHKey:
        """Give the device a new SSH host key (a replaced box, or an impostor at its
        address); connections accepted from now on show it. The new key is returned."""
        assert self.server is not None and self.loop is not None
        key = asyncssh.generate_private_key(algorithm)
        server = self.server

        async def update() -> None:
            server.update(server_host_keys=[key])
        asyncio.run_coroutine_threadsafe(update(), self.loop).result(10)
        self.host_key = key
        return key

    def credentials(self) -> dict[str, object]:
        """netmiko ConnectHandler keyword arguments for this device."""
        return {"host": self.host, "port": self.port, "username": self.username,
                "password": self.password, "secret": self.enable_secret}


class _Auth(asyncssh.SSHServer):
    def __init__(self, device: SimDevice) -> None:
        self.device = device

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        with self.device.state.lock:
            self.device.state.connections += 1

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        trusted = self.device.authorized_key
        ok = (trusted is not None and username.split("+", 1)[0] == self.device.username
              and key.public_data == trusted.public_data)
        if ok:
            with self.device.state.lock:
                self.device.state.logins += 1
                self.device.state.key_logins += 1
        return ok

    def validate_password(self, username: str, password: str) -> bool:
        with self.device.state.lock:
            self.device.state.password_attempts += 1
        # RouterOS clients append terminal options to the login name ("admin+ct511w4098h").
        name = username.split("+", 1)[0]
        ok = (name == self.device.username and password == self.device.password
              and not self.device.faults.wrong_password)
        if ok:
            with self.device.state.lock:
                self.device.state.logins += 1
        return ok


async def _session(process: asyncssh.SSHServerProcess[str], shell: Shell) -> None:
    term = Terminal(process)
    term.write(shell.banner() + shell.prompt())
    pending: Callable[[str], Reply] | None = None
    echo = True
    while (line := await term.read_line(echo)) is not None:
        if shell.faults.delay_s:
            await asyncio.sleep(shell.faults.delay_s)
        reply = pending(line) if pending is not None else shell.handle(line)
        if reply.drop:
            process.get_extra_info("connection").abort()
            return
        await term.page(reply.output, shell)
        if reply.close:
            break
        pending, echo = reply.next, reply.echo
        term.write(reply.prompt if reply.prompt is not None else shell.prompt())
    process.exit(0)


class Simulator:
    """Runs the SSH listeners of any number of simulated devices."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="ssh-sim", daemon=True)
        self.thread.start()
        self.key = asyncssh.generate_private_key("ssh-ed25519")
        self.devices: dict[str, SimDevice] = {}

    def add_device(self, platform: str, name: str | None = None, *, username: str = "admin",
                   password: str = "s1mPass!", enable_secret: str = "en4ble!",  # noqa: S107
                   ) -> SimDevice:
        """Start a new device of `platform` (cisco_ios, juniper_junos, mikrotik_routeros)."""
        from tests.ssh_sim.personalities import PERSONALITIES, initial_state

        if platform not in PERSONALITIES:
            raise ValueError(f"unknown platform {platform!r}; use one of {sorted(PERSONALITIES)}")
        name = name or f"sim-{platform.split('_')[0]}-{next(_names)}"
        device = SimDevice(platform, name, username, password, enable_secret,
                           initial_state(platform, name), host_key=self.key, loop=self.loop)
        factory = PERSONALITIES[platform]

        async def listen() -> asyncssh.SSHAcceptor:
            return await asyncssh.create_server(
                lambda: _Auth(device), "127.0.0.1", 0, server_host_keys=[device.host_key],
                process_factory=lambda p: _session(p, factory(device)),
                line_editor=False, encoding="utf-8",
            )

        device.server = asyncio.run_coroutine_threadsafe(listen(), self.loop).result(10)
        device.port = device.server.sockets[0].getsockname()[1]
        self.devices[name] = device
        return device

    def stop(self) -> None:
        """Close every listener and stop the loop thread."""
        async def close() -> None:
            for device in self.devices.values():
                if device.server is not None:
                    device.server.close()
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def start_simulator() -> Simulator:
    """A running simulator; add devices with `Simulator.add_device`."""
    return Simulator()
