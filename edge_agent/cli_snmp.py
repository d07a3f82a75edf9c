"""Field-tech SNMP commands: detect, poll, discover, record (registered on the root app)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from pathlib import Path
from typing import Any

import typer
from pydantic import SecretStr
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from edge_agent.cli_output import console, errors, styled
from edge_agent.config import (
    ConfigError,
    DeviceConfig,
    SnmpV2cConfig,
    load_config,
    save_devices,
)
from edge_agent.poll import DetectResult, PollFailure, detect, poll_device
from edge_agent.profiles import ProfileError, load_profiles
from edge_agent.record import record_device
from edge_agent.snmp.target import SnmpTarget, SnmpV2c, SnmpV3

# Shared options; secrets default from env so they stay out of shell history and `ps`.
COMMUNITY = typer.Option(None, "--community", "-c", envvar="DOTMAC_AGENT_COMMUNITY",
                         help="SNMPv2c community.")
V3_USER = typer.Option(None, "--v3-user", help="SNMPv3 user (selects v3).")
AUTH_PROTO = typer.Option("SHA-256", "--auth-proto", help="MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512")
AUTH_KEY = typer.Option(None, "--auth-key", envvar="DOTMAC_AGENT_SNMP_AUTH_KEY",
                        help="v3 auth pass phrase.")
PRIV_PROTO = typer.Option("AES", "--priv-proto", help="DES|AES|AES-192|AES-256")
PRIV_KEY = typer.Option(None, "--priv-key", envvar="DOTMAC_AGENT_SNMP_PRIV_KEY",
                        help="v3 privacy pass phrase.")
TIMEOUT = typer.Option(2.0, "--timeout", help="Seconds per request.")
RETRIES = typer.Option(1, "--retries", help="Resends after the first try.")
JSON_OUT = typer.Option(False, "--json", help="Machine-readable output (no secrets).")


def split_host_port(text: str, default_port: int = 161) -> tuple[str, int]:
    """`host`, `host:port`, `[v6]:port` or a bare IPv6 address -> (host, port)."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, int(port)
    return text, default_port


def make_credentials(community: str | None, v3_user: str | None, auth_proto: str,
                     auth_key: str | None, priv_proto: str, priv_key: str | None
                     ) -> SnmpV2c | SnmpV3:
    """v3 when a user is given, else v2c; a missing secret is a usage error naming the fix."""
    if v3_user:
        return SnmpV3(v3_user, auth_proto if auth_key else None, auth_key,  # type: ignore[arg-type]
                      priv_proto if priv_key else None, priv_key)  # type: ignore[arg-type]
    if not community:
        raise typer.BadParameter("missing; pass --community or set DOTMAC_AGENT_COMMUNITY",
                                 param_hint="--community")
    return SnmpV2c(community)


def _target(host: str, creds: SnmpV2c | SnmpV3, timeout: float, retries: int) -> SnmpTarget:
    try:
        name, port = split_host_port(host)
    except ValueError as exc:
        raise typer.BadParameter(f"{host!r}: expected HOST or HOST:PORT") from exc
    return SnmpTarget(name, port, credentials=creds, timeout=timeout, retries=retries)


def _profiles() -> Any:
    try:
        return load_profiles()
    except ProfileError as exc:
        errors.print(styled("firmware profile error:", exc))
        raise typer.Exit(2) from exc


def _fail(exc: PollFailure, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"error": exc.error.code.value, "detail": exc.error.detail}))
    else:
        errors.print(styled(f"{exc.error.code.value}:", exc.error.detail))
    raise typer.Exit(1)


def detect_command(
    host: str = typer.Argument(..., help="HOST or HOST:PORT of the device."),
    community: str | None = COMMUNITY, v3_user: str | None = V3_USER,
    auth_proto: str = AUTH_PROTO, auth_key: str | None = AUTH_KEY,
    priv_proto: str = PRIV_PROTO, priv_key: str | None = PRIV_KEY,
    timeout: float = TIMEOUT, retries: int = RETRIES, as_json: bool = JSON_OUT,
) -> None:
    """Identify a device: which firmware profile matches and why.

    Examples:

      dotmac-agent detect 10.20.0.1 --community public

      dotmac-agent detect 10.20.0.1:1161 -c public --json
    """
    creds = make_credentials(community, v3_user, auth_proto, auth_key, priv_proto, priv_key)
    target = _target(host, creds, timeout, retries)
    try:
        found = asyncio.run(detect(target, _profiles()))
    except PollFailure as exc:
        _fail(exc, as_json)
        return
    if as_json:
        typer.echo(json.dumps(detect_document(found)))
        return
    console.print(Text.assemble((found.profile, "bold"),
                                f" ({found.vendor})\n  because: {found.reason}"))


def detect_document(found: DetectResult) -> dict[str, Any]:
    """`detect --json`: the profile, why it matched, and each matching profile it beat and why."""
    return {"profile": found.profile, "vendor": found.vendor, "reason": found.reason,
            "preferred_over": [{"profile": r.profile, "why": r.why}
                               for r in found.preferred_over]}


def poll_command(
    host: str = typer.Argument(..., help="HOST or HOST:PORT of the device."),
    community: str | None = COMMUNITY, v3_user: str | None = V3_USER,
    auth_proto: str = AUTH_PROTO, auth_key: str | None = AUTH_KEY,
    priv_proto: str = PRIV_PROTO, priv_key: str | None = PRIV_KEY,
    profile: str = typer.Option("auto", "--profile", help="Profile name, or auto-detect."),
    timeout: float = TIMEOUT, retries: int = RETRIES, as_json: bool = JSON_OUT,
) -> None:
    """Poll one device once and print its samples: the first thing to run on site.

    Examples:

      dotmac-agent poll 10.20.0.1 -c public --json

      dotmac-agent poll 10.20.0.2 --v3-user noc --auth-proto SHA-256 --auth-key '...' \\
          --priv-proto AES --priv-key '...'
    """
    creds = make_credentials(community, v3_user, auth_proto, auth_key, priv_proto, priv_key)
    target = _target(host, creds, timeout, retries)
    profiles = _profiles()

    async def go() -> Any:
        chosen = profiles.get(profile) if profile != "auto" else profiles.get(
            (await detect(target, profiles)).profile)
        return await poll_device(host, target, chosen)

    try:
        result = asyncio.run(go())
    except PollFailure as exc:
        _fail(exc, as_json)
        return
    _print_poll(result, as_json)
    if result.errors and not result.samples:
        raise typer.Exit(1)


def _print_poll(result: Any, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({
            "device": result.device, "profile": result.profile,
            "errors": [{"code": e.code.value, "detail": e.detail} for e in result.errors],
            "samples": [s.model_dump(mode="json") for s in result.samples],
        }, indent=2))
        return
    table = Table("metric", "labels", "value", "kind", title=f"{result.device} ({result.profile})")
    for s in result.samples:
        labels = " ".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
        table.add_row(s.metric, labels, str(s.value), s.kind)
    console.print(table)
    for e in result.errors:
        errors.print(styled(f"{e.code.value}:", e.detail, style="yellow"))


async def _sweep(hosts: list[str], port: int, creds: SnmpV2c | SnmpV3, per_host_s: float,
                 concurrency: int, progress: Progress) -> list[tuple[str, DetectResult]]:
    profiles = _profiles()
    gate = asyncio.Semaphore(concurrency)
    task = progress.add_task("sweeping", total=len(hosts))
    found: list[tuple[str, DetectResult]] = []

    async def probe(host: str) -> None:
        async with gate:
            target = SnmpTarget(host, port, credentials=creds, timeout=per_host_s, retries=0)
            try:
                found.append((host, await detect(target, profiles)))
            except PollFailure:
                pass  # silence is the normal answer of an address with no SNMP agent
            finally:
                progress.advance(task)

    await asyncio.gather(*(probe(h) for h in hosts))
    return sorted(found, key=lambda item: ipaddress.ip_address(item[0]))


def discover_command(
    cidr: str = typer.Argument(..., help="Network to sweep, e.g. 10.20.0.0/24."),
    community: str | None = COMMUNITY, v3_user: str | None = V3_USER,
    auth_proto: str = AUTH_PROTO, auth_key: str | None = AUTH_KEY,
    priv_proto: str = PRIV_PROTO, priv_key: str | None = PRIV_KEY,
    port: int = typer.Option(161, "--port", help="UDP port to probe."),
    timeout: float = typer.Option(1.0, "--timeout", help="Seconds per address."),
    concurrency: int = typer.Option(64, "--concurrency", help="Addresses probed at once."),
    write: Path | None = typer.Option(None, "--write", help="Add what was found to this config."),
    as_json: bool = JSON_OUT,
) -> None:
    """Sweep a network for SNMP devices and identify each one's profile.

    Examples:

      dotmac-agent discover 10.20.0.0/24 -c public

      dotmac-agent discover 10.20.0.0/24 -c public --write /etc/dotmac-agent/agent.yaml
    """
    creds = make_credentials(community, v3_user, auth_proto, auth_key, priv_proto, priv_key)
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError as exc:
        raise typer.BadParameter(f"{cidr!r}: not a network; use e.g. 10.20.0.0/24") from exc
    if network.num_addresses > 65536:
        raise typer.BadParameter(f"{cidr}: {network.num_addresses} addresses; sweep /16 or smaller")
    hosts = [str(h) for h in (network.hosts() if network.num_addresses > 2 else network)]
    with Progress(console=errors, transient=True, disable=as_json) as progress:
        found = asyncio.run(_sweep(hosts, port, creds, timeout, concurrency, progress))
    if write is not None:
        _write_found(write, found, port)
    if as_json:
        typer.echo(json.dumps([{"host": h, "port": port, **detect_document(d)} for h, d in found],
                              indent=2))
        return
    table = Table("host", "profile", "vendor", "why", title=f"{len(found)} device(s) in {cidr}")
    for host, d in found:
        table.add_row(host, d.profile, d.vendor, d.reason)
    console.print(table)


def _write_found(path: Path, found: list[tuple[str, DetectResult]], port: int) -> None:
    try:
        config = load_config(path)
        known = {(d.host, d.port) for d in config.devices}
        # Only name/host/port/profile are written; credentials come from defaults.snmp,
        # and save_devices validates the whole file before replacing it.
        new = [DeviceConfig.model_construct(
            name=f"{d.profile}-{host.replace('.', '-').replace(':', '-')}",
            host=host, port=port, profile=d.profile,
            snmp=SnmpV2cConfig.model_construct(community=SecretStr("")),
        ) for host, d in found if (host, port) not in known]
        save_devices(path, new)
    except (ConfigError, ValueError) as exc:
        errors.print(styled(f"could not write {path}:", exc))
        raise typer.Exit(2) from exc
    errors.print(f"wrote {len(new)} new device(s) to {path}")


def record_command(
    host: str = typer.Argument(..., help="HOST or HOST:PORT of the device to record."),
    community: str | None = COMMUNITY, v3_user: str | None = V3_USER,
    auth_proto: str = AUTH_PROTO, auth_key: str | None = AUTH_KEY,
    priv_proto: str = PRIV_PROTO, priv_key: str | None = PRIV_KEY,
    name: str = typer.Option(..., "--name", help="Recording name, e.g. acme-olt-x1."),
    out: Path = typer.Option(Path("."), "--out", help="Folder for the .snmprec and golden file."),
    timeout: float = TIMEOUT, retries: int = RETRIES,
) -> None:
    """Walk a device into a scrubbed .snmprec plus its golden poll, for profile authors.

    Contact, location, the community and IP addresses in sysDescr are replaced by
    placeholders. Serve the result with snmpsim to develop a profile (docs/profiles.md).

    Examples:

      dotmac-agent record 10.20.0.9 -c public --name acme-olt-x1 --out recordings/
    """
    creds = make_credentials(community, v3_user, auth_proto, auth_key, priv_proto, priv_key)
    target = _target(host, creds, timeout, retries)
    with console.status(f"walking {host} ..."):
        paths = asyncio.run(record_device(target, out, name, _profiles()))
    console.print(f"wrote {paths.snmprec}\nwrote {paths.golden}")


def register(app: typer.Typer) -> None:
    """Attach the SNMP commands to the root CLI."""
    app.command("detect")(detect_command)
    app.command("poll")(poll_command)
    app.command("discover")(discover_command)
    app.command("record")(record_command)
