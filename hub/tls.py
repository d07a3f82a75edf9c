"""TLS for the hub's own broker connections (ingest, job commands, dynsec administration).

The hub logs in to the broker with passwords: its ingest login, which reads every agent's
telemetry, and the dynsec admin, which can create logins. Across a network both must travel
over TLS, verified like the agents verify the broker: the broker certificate must chain to
the configured CA and name the host the hub connects to.
"""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path


def ca_file_or_none(value: Path | None) -> Path | None:
    """Settings validator: a configured CA file must exist (refused at start, not at the
    first connection)."""
    if value is not None and not Path(value).is_file():
        raise ValueError(f"{value} is not a file; point it at the broker CA's PEM")
    return value


def client_context(ca_file: Path | None) -> ssl.SSLContext:
    """A verifying client context: `ca_file` as the only trust anchor when given, else the
    system's trust store (a broker with a publicly trusted certificate); TLS 1.2 or later,
    host name checked."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (traffic to it never crosses a network)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: assume it is elsewhere


def plaintext_problem(host: str, tls: bool, setting: str, what: str) -> str | None:
    """Why a production hub must not log in to `host` in clear, or None when it may."""
    if tls or is_loopback(host):
        return None
    return (f"{setting}: the hub would send {what} to the broker at {host} in clear; set it "
            "to true (the broker's TLS listener, verified with the CA file), or run the hub "
            "on the broker's machine")
