"""`dotmac-hub devices ...`: the devices the hub's agents poll, and their CSV import/export.

Sites, agents and credential sets are given by name (or id); the names are looked up in
their lists, so `--site ams1-pop` works as well as the site's UUID.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from hub.console.agents import agent_id
from hub.console.client import ConsoleError, HubClient
from hub.console.common import (
    Column,
    JsonOpt,
    TokenOpt,
    UrlOpt,
    YesOpt,
    confirm,
    group,
    hub,
    one_line_errors,
    only_given,
    print_one,
    print_rows,
    report,
)
from hub.console.credentials import credential_id
from hub.console.sites import site_id

app = group("devices", "Devices: list, show, create, update, delete, export and import CSV."
            "\n\nExamples:\n\n  dotmac-hub devices create ams1-core-sw1 192.0.2.10 --site "
            "ams1-pop --agent ams1-agent-01 --snmp-credentials core-v2c\n\n"
            "  dotmac-hub devices list --site ams1-pop\n\n"
            "  dotmac-hub devices export > devices.csv")
DeviceArg = Annotated[str, typer.Argument(help="Device name or id.")]
NONE = "none"  # `--agent none`: detach; `--snmp-credentials none`: drop the reference
CSV_PATH = "/inventory/devices.csv"


class Telemetry(StrEnum):
    """How the agent polls a device."""

    SNMP = "snmp"
    SSH = "ssh"
    BOTH = "both"


AgentOpt = Annotated[str | None, typer.Option(help="Agent that polls it (name or id; `none` "
                                              "detaches it).")]
SnmpCredOpt = Annotated[str | None, typer.Option("--snmp-credentials", help="SNMP credential "
                                                 "set (name or id; `none` drops it).")]
SshCredOpt = Annotated[str | None, typer.Option("--ssh-credentials", help="SSH credential set "
                                                "(name or id; `none` drops it).")]
TelemetryOpt = Annotated[Telemetry | None, typer.Option(help="Poll over snmp, ssh or both.")]
SnmpPortOpt = Annotated[int | None, typer.Option(help="SNMP port (default 161).")]
SshPortOpt = Annotated[int | None, typer.Option(help="SSH port (default 22).")]
IntervalOpt = Annotated[float | None, typer.Option("--interval", help="Poll interval, seconds.")]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", help="Per-request timeout, "
                                                  "seconds.")]
RetriesOpt = Annotated[int | None, typer.Option(help="Retries per request.")]
EnabledOpt = Annotated[bool | None, typer.Option("--enabled/--disabled", help="Polled or not "
                                                 "(a disabled device stays in the inventory).")]
MaintenanceOpt = Annotated[bool | None, typer.Option(
    "--maintenance/--no-maintenance", help="Maintenance: still polled, alarms expected.")]
ProfileOpt = Annotated[str | None, typer.Option(help="Firmware profile (cisco_ios, "
                                                "juniper_junos, ...) or `auto`.")]


def device_id(client: HubClient, value: str) -> str:
    """The id of the device named (or identified by) `value`."""
    return client.resolve("device", "/devices", value, "devices")


def _reference(client: HubClient, value: str | None, lookup: Any) -> str | bool | None:
    """An id for the body; None when not given; False for `none` (sent as null)."""
    if value is None:
        return None
    return False if value.lower() == NONE else str(lookup(client, value))


def _polling(client: HubClient, **given: Any) -> dict[str, Any]:
    """The body fields of the polling options; names resolved to ids, `none` -> null."""
    refs = {"agent_id": _reference(client, given.pop("agent"), agent_id),
            "snmp_credential_id": _reference(client, given.pop("snmp_credentials"),
                                             credential_id),
            "ssh_credential_id": _reference(client, given.pop("ssh_credentials"),
                                            credential_id)}
    body = only_given(**given)
    body.update({key: (None if value is False else value) for key, value in refs.items()
                 if value is not None})
    return body


def _names(client: HubClient, path: str) -> dict[str, str]:
    return {str(row["id"]): row["name"] for row in client.every(path)}


def _label(names: dict[str, str], value: object) -> object:
    return names.get(str(value), value) if value else None


INTERFACES: list[Column] = [
    ("ifIndex", "if_index"), ("name", "name"), ("alias", "alias"), ("speed", "speed_bps"),
    ("admin", "admin_status"), ("oper", "oper_status")]
COLUMNS: list[Column] = [("id", "id"), ("name", "name"), ("address", "management_address"),
           ("profile", "profile"), ("site", "site"), ("agent", "agent"),
           ("telemetry", "telemetry"), ("enabled", "enabled"),
           ("maintenance", "maintenance")]


@app.command("list")
@one_line_errors
def list_devices(
    site: Annotated[str | None, typer.Option(help="Only this site's (name or id).")] = None,
    agent: Annotated[str | None, typer.Option(help="Only this agent's (name or id).")] = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """List devices with their site, agent and polling state.

    Examples:

      dotmac-hub devices list

      dotmac-hub devices list --site ams1-pop --agent ams1-agent-01

      dotmac-hub devices list --json | jq -r '.[] | [.name, .management_address] | @tsv'
    """
    with hub(url, token) as client:
        params = only_given(site_id=site_id(client, site) if site else None,
                            agent_id=agent_id(client, agent) if agent else None)
        rows = list(client.every("/devices", **params))
        sites, agents = _names(client, "/sites"), _names(client, "/agents")
    for row in rows:
        row["site"] = _label(sites, row.get("site_id"))
        row["agent"] = _label(agents, row.get("agent_id"))
    print_rows(rows, COLUMNS, as_json, "devices")


@app.command("show")
@one_line_errors
def show_device(device: DeviceArg, as_json: JsonOpt = False, url: UrlOpt = None,
                token: TokenOpt = None) -> None:
    """Show one device.

    Examples:

      dotmac-hub devices show ams1-core-sw1

      dotmac-hub devices show ams1-core-sw1 --json
    """
    with hub(url, token) as client:
        row = client.get(f"/devices/{device_id(client, device)}")
        seen = observed(client, row["id"])
        row.update(_reference_names(client, row))
    if as_json:
        print_one({**row, "observed": seen}, as_json)
        return
    print_one(row, False)
    if seen:
        print_one({f"observed {key}": value for key, value in seen.items()
                   if key != "interfaces"}, False)
        print_rows(seen.get("interfaces") or [], INTERFACES, False, "interfaces observed")


def _reference_names(client: HubClient, row: dict[str, Any]) -> dict[str, Any]:
    """The names of the site, agent and credential sets a device refers to."""
    paths = {"site": ("site_id", "/sites"), "agent": ("agent_id", "/agents"),
             "snmp_credentials": ("snmp_credential_id", "/credential-sets"),
             "ssh_credentials": ("ssh_credential_id", "/credential-sets")}
    return {label: client.get(f"{path}/{row[key]}")["name"]
            for label, (key, path) in paths.items() if row.get(key)}


def observed(client: HubClient, device: str) -> dict[str, Any] | None:
    """What the device's agent last reported about it (None: nothing yet, or a hub without
    the observed view)."""
    try:
        answer = client.get(f"/devices/{device}/observed")
    except ConsoleError as exc:
        if exc.status == 404:
            return None
        raise
    seen = answer.get("observed") if isinstance(answer, dict) else None
    return dict(seen) if isinstance(seen, dict) else None


@app.command("create")
@one_line_errors
def create_device(
    name: Annotated[str, typer.Argument(help="Device name (a label: letters, digits, . _ -).")],
    address: Annotated[str, typer.Argument(help="Management IP address.")],
    site: Annotated[str, typer.Option(help="Its site (name or id).")],
    profile: Annotated[str, typer.Option(help="Firmware profile (cisco_ios, juniper_junos, "
                                         "...) or `auto` (the agent detects it).")] = "auto",
    agent: AgentOpt = None, snmp_credentials: SnmpCredOpt = None,
    ssh_credentials: SshCredOpt = None, telemetry: TelemetryOpt = None,
    snmp_port: SnmpPortOpt = None, ssh_port: SshPortOpt = None,
    interval: IntervalOpt = None, timeout: TimeoutOpt = None, retries: RetriesOpt = None,
    enabled: EnabledOpt = None, maintenance: MaintenanceOpt = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Add a device; its agent polls it after the next config push.

    Examples:

      dotmac-hub devices create ams1-core-sw1 192.0.2.10 --site ams1-pop

      dotmac-hub devices create sw1 192.0.2.10 --site ams1 --agent ams1-a --snmp-credentials v2c

      dotmac-hub devices create olt1 192.0.2.20 --site ams1 --profile cisco_ios --interval 60

      dotmac-hub devices create sw2 192.0.2.30 --site ams1 --telemetry both --ssh-credentials ssh1
    """
    with hub(url, token) as client:
        body = {"name": name, "management_address": address, "profile": profile,
                "site_id": site_id(client, site),
                **_polling(client, agent=agent, snmp_credentials=snmp_credentials,
                           ssh_credentials=ssh_credentials,
                           telemetry=str(telemetry) if telemetry else None,
                           snmp_port=snmp_port, ssh_port=ssh_port, interval_s=interval,
                           timeout_s=timeout, retries=retries, enabled=enabled,
                           maintenance=maintenance)}
        made = client.post("/devices", body)
    report(made, as_json, f"device {made['name']} created: {made['id']}")


@app.command("update")
@one_line_errors
def update_device(
    device: DeviceArg,
    name: Annotated[str | None, typer.Option("--name", help="New name (a label: jobs, "
                                             "billing and dashboards keep working).")] = None,
    address: Annotated[str | None, typer.Option(help="New management address.")] = None,
    site: Annotated[str | None, typer.Option(help="Move to this site (name or id).")] = None,
    profile: ProfileOpt = None, agent: AgentOpt = None,
    snmp_credentials: SnmpCredOpt = None, ssh_credentials: SshCredOpt = None,
    telemetry: TelemetryOpt = None, snmp_port: SnmpPortOpt = None,
    ssh_port: SshPortOpt = None, interval: IntervalOpt = None, timeout: TimeoutOpt = None,
    retries: RetriesOpt = None, enabled: EnabledOpt = None,
    maintenance: MaintenanceOpt = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Change a device: only the options given change.

    Examples:

      dotmac-hub devices update ams1-core-sw1 --maintenance

      dotmac-hub devices update ams1-core-sw1 --disabled

      dotmac-hub devices update ams1-core-sw1 --snmp-credentials core-v2c-2025 --interval 30

      dotmac-hub devices update ams1-core-sw1 --agent none
    """
    with hub(url, token) as client:
        found = device_id(client, device)
        body = {**only_given(name=name, management_address=address, profile=profile,
                             site_id=site_id(client, site) if site else None),
                **_polling(client, agent=agent, snmp_credentials=snmp_credentials,
                           ssh_credentials=ssh_credentials,
                           telemetry=str(telemetry) if telemetry else None,
                           snmp_port=snmp_port, ssh_port=ssh_port, interval_s=interval,
                           timeout_s=timeout, retries=retries, enabled=enabled,
                           maintenance=maintenance)}
        if not body:
            raise ConsoleError("nothing to change: give at least one option (see --help)",
                               code=2)
        changed = client.patch(f"/devices/{found}", body)
    report(changed, as_json, f"device {changed['name']} updated")


@app.command("delete")
@one_line_errors
def delete_device(device: DeviceArg, yes: YesOpt = False, as_json: JsonOpt = False,
                  url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Delete a device (its agent stops polling it after the next config push).

    Examples:

      dotmac-hub devices delete ams1-core-sw1 --yes
    """
    with hub(url, token) as client:
        found = device_id(client, device)
        confirm(f"delete device {device}?", yes)
        client.delete(f"/devices/{found}")
    report({"id": found, "deleted": True}, as_json, f"device {device} deleted")


@app.command("export")
@one_line_errors
def export_devices(url: UrlOpt = None, token: TokenOpt = None) -> None:
    """Write every device as CSV to stdout (the format `devices import` reads).

    Examples:

      dotmac-hub devices export > devices.csv
    """
    with hub(url, token) as client:
        body = client.request("GET", CSV_PATH).content
    typer.echo(body.decode(), nl=False)


@app.command("import")
@one_line_errors
def import_devices(
    file: Annotated[Path, typer.Argument(help="CSV file (as `devices export` writes it; `-` "
                                         "reads stdin).", allow_dash=True)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row, change "
                                          "nothing.")] = False,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Create or update devices from a CSV file, all or nothing: one bad row and nothing
    changes; every bad row is printed with its line and reason.

    Examples:

      dotmac-hub devices import devices.csv --dry-run

      dotmac-hub devices import devices.csv
    """
    content = sys.stdin.buffer.read() if str(file) == "-" else _read(file)
    with hub(url, token) as client:
        try:
            answer = client.request("POST", CSV_PATH, content=content,
                                    params={"dry_run": "true"} if dry_run else None,
                                    headers={"Content-Type": "text/csv"})
        except ConsoleError as exc:
            if not exc.errors:
                raise
            raise ConsoleError(f"{file}: {len(exc.errors)} error(s), nothing imported; fix "
                               "these lines and run again:", lines=exc.errors) from None
        result = client.decode(answer) if answer.content else {}
    report(result, as_json, ("dry run, nothing changed: " if dry_run else "imported: ")
           + _summary(result))


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise ConsoleError(f"{file}: {exc.strerror}; check the path", code=2) from None


def _summary(result: dict[str, Any]) -> str:
    counts = [f"{result[key]} {key}" for key in ("created", "updated", "unchanged")
              if isinstance(result.get(key), int)]
    return ", ".join(counts) or "done"
