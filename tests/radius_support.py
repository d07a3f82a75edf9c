"""A private FreeRADIUS 3.2 for tests: the hub's shipped configuration
(hub/access/freeradius/, rendered by hub.access.radius_config) in a temp directory, on free
loopback ports, pointing at a given hub URL; `radclient` (freeradius-utils) plays the NAS.

    radius = start_freeradius(hub_url, token, tmp_dir)        # auth_port, acct_port, secret, stop
    server = start_radius_server(hub_url, token, tmp_dir, cache_ttl=30)   # richer handle
    reply = await radclient(server.auth_port, "auth", server.secret, {"User-Name": "alice", ...})

The Debian package also installs a system-wide service on 1812/1813; nothing here uses it
(the ports are free ones, the config directory is the test's own).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from hub.access.radius_config import RadiusClient, RadiusServerConfig, render_server, write_clients
from tests.services._proc import INSTALL_HINT, ManagedProcess, ServiceError, require_binary

PACKAGES = "freeradius freeradius-utils freeradius-rest"
REST_MODULE = Path("/usr/lib/freeradius/rlm_rest.so")
SQL_DRIVER = Path("/usr/lib/freeradius/rlm_sql_postgresql.so")  # freeradius-postgresql
NAS_SECRET = "radius-test-secret"  # the test NAS shared secret


class RunningRadius(NamedTuple):
    """The stable four-tuple other test modules unpack."""

    auth_port: int
    acct_port: int
    secret: str
    stop: Callable[[], None]


@dataclass
class RadiusServer:
    """A running private FreeRADIUS and what a NAS needs to talk to it."""

    auth_port: int
    acct_port: int
    status_port: int
    secret: str
    status_secret: str
    conf_dir: Path
    process: ManagedProcess
    clients: list[RadiusClient] = field(default_factory=list)

    @property
    def log(self) -> Path:
        """FreeRADIUS's log (auth lines with reasons)."""
        return self.conf_dir / "radius.log"

    def stop(self) -> None:
        """Stop the process group (idempotent)."""
        self.process.stop()

    def as_tuple(self) -> RunningRadius:
        """The four-tuple form."""
        return RunningRadius(self.auth_port, self.acct_port, self.secret, self.stop)

    def statistics(self) -> dict[str, str]:
        """FreeRADIUS's own counters over Status-Server (FreeRADIUS-Total-* attributes)."""
        out = run_radclient(self.status_port, "status", self.status_secret,
                            [{"FreeRADIUS-Statistics-Type": "All",
                              "Message-Authenticator": "0x00"}], retries=3, timeout=2)
        found = parse_reply(out.stdout)
        if "FreeRADIUS-Total-Access-Requests" not in found:
            raise ServiceError(f"FreeRADIUS Status-Server did not answer:\n{out.stdout}\n"
                               f"{out.stderr}")
        return found


def require_freeradius() -> str:
    """The freeradius binary, or fail loudly with the apt line."""
    binary = require_binary("freeradius", "freeradius", extra_dirs=("/usr/sbin",))
    require_binary("radclient", "freeradius-utils")
    if not REST_MODULE.exists():
        raise ServiceError(f"{REST_MODULE}: not installed (FreeRADIUS rest module); "
                           + INSTALL_HINT.format(packages="freeradius-rest"))
    return binary


def _free_udp_ports(count: int) -> list[int]:
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for sock in socks:
            sock.close()


def start_radius_server(hub_url: str, token: str, tmp_dir: Path, *, cache_ttl: int = 0,
                        clients: Iterable[RadiusClient] | None = None,
                        secret: str = NAS_SECRET, retry_delay_s: int = 1,
                        hub_timeout_s: float = 3.0, backend: str = "rest",
                        sql_dsn: str | None = None, max_username_bytes: int = 253
                        ) -> RadiusServer:
    """Render the shipped config into `tmp_dir` and start FreeRADIUS on free ports.

    `clients` defaults to one NAS on 127.0.0.1 with `secret`; `backend` sql reads the hub's
    materialized answers from PostgreSQL with the libpq connection string `sql_dsn`."""
    binary = require_freeradius()
    if backend == "sql" and not SQL_DRIVER.exists():
        raise ServiceError(f"{SQL_DRIVER}: not installed (FreeRADIUS PostgreSQL driver); "
                           + INSTALL_HINT.format(packages="freeradius-postgresql"))
    auth_port, acct_port, status_port = _free_udp_ports(3)
    status_secret = secrets.token_urlsafe(18)
    conf_dir = tmp_dir / "freeradius"
    config = RadiusServerConfig(
        hub_url=hub_url, token=token, status_secret=status_secret, auth_port=auth_port,
        acct_port=acct_port, status_port=status_port, listen_address="127.0.0.1",
        cache_ttl=cache_ttl, reject_delay=0, run_as=None, retry_delay_s=retry_delay_s,
        hub_timeout_s=hub_timeout_s, max_threads=16, backend=backend, sql_dsn=sql_dsn,
        max_username_bytes=max_username_bytes)
    render_server(config, conf_dir)
    nases = list(clients) if clients is not None else [RadiusClient("test", "127.0.0.1", secret)]
    write_clients(conf_dir / "clients.conf", nases)
    log = conf_dir / "radius.log"
    process = ManagedProcess([binary, "-f", "-d", str(conf_dir), "-l", str(log)], log).start()
    server = RadiusServer(auth_port, acct_port, status_port, secret, status_secret, conf_dir,
                          process, nases)
    _wait_ready(server)
    return server


def _wait_ready(server: RadiusServer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.process.alive():
            break
        if server.log.exists() and "Ready to process requests" in server.log.read_text(
                errors="replace"):
            return
        time.sleep(0.05)
    tail = server.log.read_text(errors="replace")[-3000:] if server.log.exists() else ""
    server.stop()
    raise ServiceError(f"FreeRADIUS (config {server.conf_dir}) did not start:\n{tail}")


def start_freeradius(hub_url: str, token: str, tmp_dir: Path, **options: object
                     ) -> RunningRadius:
    """Start a private FreeRADIUS for `hub_url`: (auth_port, acct_port, secret, stop)."""
    return start_radius_server(hub_url, token, tmp_dir, **options).as_tuple()  # type: ignore[arg-type]


@contextlib.contextmanager
def freeradius(hub_url: str, token: str, tmp_dir: Path, **options: object
               ) -> Iterator[RadiusServer]:
    """Context-manager form: stopped on exit."""
    server = start_radius_server(hub_url, token, tmp_dir, **options)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


# --- radclient: the NAS -------------------------------------------------------------------

def _attribute_lines(attributes: dict[str, str | int | list[str]]) -> str:
    lines = []
    for name, value in attributes.items():
        for one in value if isinstance(value, list) else [value]:
            text = str(one)
            quoted = text if isinstance(one, int) or text.startswith("0x") else (
                '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
            lines.append(f"{name} = {quoted}")
    return ",\n".join(lines)


def _radclient_argv(port: int, command: str, secret: str, retries: int, timeout: float
                    ) -> list[str]:
    return ["radclient", "-x", "-r", str(retries), "-t", f"{timeout:g}", "-f", "/dev/stdin",
            f"127.0.0.1:{port}", command, secret]


def _packets(packets: list[dict[str, str | int | list[str]]]) -> str:
    return "\n\n".join(_attribute_lines(p) for p in packets) + "\n"


def run_radclient(port: int, command: str, secret: str,
                  packets: list[dict[str, str | int | list[str]]], *, retries: int = 1,
                  timeout: float = 5.0) -> subprocess.CompletedProcess[str]:
    """radclient, blocking: only for servers that do not need this process's event loop."""
    return subprocess.run(_radclient_argv(port, command, secret, retries, timeout),
                          input=_packets(packets), capture_output=True, text=True,
                          timeout=60, check=False)


@dataclass(frozen=True)
class RadiusReply:
    """What radclient printed for one request: the answer code and its attributes."""

    code: str | None  # Access-Accept | Access-Reject | Accounting-Response | None (no answer)
    attributes: dict[str, list[str]]
    output: str

    def first(self, name: str) -> str | None:
        """The first value of attribute `name`."""
        values = self.attributes.get(name)
        return values[0] if values else None


_RECEIVED = re.compile(r"^Received (\S+) Id")
_ATTRIBUTE = re.compile(r"^\s+(\S+) = (.*)$")


def parse_reply(output: str) -> dict[str, str]:
    """Attributes of the (last) received packet, one value each."""
    return {k: v[-1] for k, v in _parse(output)[1].items()}


def _parse(output: str) -> tuple[str | None, dict[str, list[str]]]:
    code: str | None = None
    attributes: dict[str, list[str]] = {}
    receiving = False
    for line in output.splitlines():
        received = _RECEIVED.match(line)
        if received:
            code, attributes, receiving = received.group(1), {}, True
            continue
        if line.startswith("Sent "):
            receiving = False
            continue
        match = _ATTRIBUTE.match(line)
        if receiving and match:
            attributes.setdefault(match.group(1), []).append(match.group(2).strip('"'))
    return code, attributes


async def radclient(port: int, command: str, secret: str,
                    attributes: dict[str, str | int | list[str]], *, retries: int = 1,
                    wait_s: float = 5.0) -> RadiusReply:
    """Send one packet with radclient without blocking the event loop (the hub may be
    served by this very loop)."""
    proc = await asyncio.create_subprocess_exec(
        *_radclient_argv(port, command, secret, retries, wait_s),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate(_packets([attributes]).encode())
    text = out.decode(errors="replace")
    code, parsed = _parse(text)
    return RadiusReply(code, parsed, text)
