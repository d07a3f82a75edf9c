"""`dotmac-hub discoveries ...`: SNMP sweeps run by a site's agent, and adopting what they
found as devices."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hub.cli_output import console as err
from hub.console.agents import agent_id
from hub.console.client import ConsoleError, HubClient
from hub.console.common import (
    Column,
    JsonOpt,
    TokenOpt,
    UrlOpt,
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

app = group("discoveries", "Discoveries: create (sweep CIDRs with credential sets), list, "
            "show (--wait for the result), adopt candidates as devices.\n\nExamples:\n\n"
            "  dotmac-hub discoveries create --site ams1-pop --cidr 10.0.0.0/24 "
            "--credentials core-v2c\n\n  dotmac-hub discoveries show ID --wait\n\n"
            "  dotmac-hub discoveries adopt ID --all")
DiscoveryArg = Annotated[str, typer.Argument(help="Discovery id.")]
FINISHED = ("done", "failed")
COLUMNS: list[Column] = [
    ("id", "id"), ("state", "state"), ("scanned", "scanned"), ("total", "total"),
    ("cidrs", lambda row: ", ".join(row.get("cidrs") or [])), ("created", "created_at"),
    ("error", "error")]
CANDIDATES: list[Column] = [
    ("candidate", "id"), ("address", "address"), ("sysName", "sys_name"),
    ("profile", "profile"), ("why", "reason"), ("model", "model"), ("serial", "serial"),
    ("managed as", "managed_device_id")]


def _rows(answer: Any) -> list[dict[str, Any]]:
    return list(answer.get("data", [])) if isinstance(answer, Mapping) else list(answer)


@app.command("create")
@one_line_errors
def create_discovery(
    site: Annotated[str, typer.Option(help="Site whose agent sweeps (name or id).")],
    cidr: Annotated[list[str], typer.Option(help="Network to sweep, repeatable.")],
    credentials: Annotated[list[str], typer.Option(help="Credential set to try (name or id), "
                                                   "repeatable, tried in order.")],
    agent: Annotated[str | None, typer.Option(help="Agent to run it (default: the site's "
                                              "agent).")] = None,
    port: Annotated[int | None, typer.Option(help="SNMP port (default 161).")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Hosts probed at once (default "
                                                    "32).")] = None,
    timeout: Annotated[float | None, typer.Option(help="Per SNMP request, seconds (default "
                                                  "1).")] = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Start a discovery on a site's agent.

    Examples:

      dotmac-hub discoveries create --site ams1-pop --cidr 10.0.0.0/24 --credentials core-v2c

      dotmac-hub discoveries create --site ams1 --cidr 10.0.1.0/26 --cidr 10.0.2.0/26 \\
        --credentials v3 --credentials v2c --agent ams1-a
    """
    with hub(url, token) as client:
        body = {"cidrs": cidr,
                "credential_set_ids": [credential_id(client, name) for name in credentials],
                **only_given(agent_id=agent_id(client, agent) if agent else None, port=port,
                             concurrency=concurrency, timeout_s=timeout)}
        made = client.post(f"/sites/{site_id(client, site)}/discoveries", body)
    report(made, as_json, f"discovery {made['id']} {made.get('state', 'started')}; follow "
           f"it with: dotmac-hub discoveries show {made['id']} --wait")


@app.command("list")
@one_line_errors
def list_discoveries(
    site: Annotated[str, typer.Option(help="Site (name or id).")],
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """List a site's discoveries.

    Examples:

      dotmac-hub discoveries list --site ams1-pop
    """
    with hub(url, token) as client:
        rows = list(client.every(f"/sites/{site_id(client, site)}/discoveries"))
    print_rows(rows, COLUMNS, as_json, "discoveries")


def _wait(client: HubClient, discovery: str, timeout: float) -> dict[str, Any]:
    """Poll the discovery until it finishes, showing a progress bar on stderr."""
    deadline = time.monotonic() + timeout
    columns = (TextColumn("discovery {task.fields[state]}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("sweep", total=None, state="pending")
        while True:
            row: dict[str, Any] = client.get(f"/discoveries/{discovery}")
            progress.update(task, completed=row.get("scanned") or 0,
                            total=row.get("total") or None, state=row.get("state"))
            if row.get("state") in FINISHED:
                return row
            if time.monotonic() > deadline:
                raise ConsoleError(f"discovery {discovery} still {row.get('state')} after "
                                   f"{timeout:.0f} s; look again later with `dotmac-hub "
                                   f"discoveries show {discovery}`")
            time.sleep(1.0)


@app.command("show")
@one_line_errors
def show_discovery(
    discovery: DiscoveryArg,
    wait: Annotated[bool, typer.Option("--wait", help="Show progress until it finishes.")
                    ] = False,
    wait_timeout: Annotated[float, typer.Option(help="Give up waiting after this many "
                                                "seconds.")] = 900.0,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Show a discovery's progress and its candidates.

    Examples:

      dotmac-hub discoveries show 0192f3a4-...

      dotmac-hub discoveries show 0192f3a4-... --wait
    """
    with hub(url, token) as client:
        row = (_wait(client, discovery, wait_timeout) if wait
               else client.get(f"/discoveries/{discovery}"))
    if as_json:
        print_one(row, as_json)
        return
    print_one({key: value for key, value in row.items() if key != "candidates"}, False)
    print_rows(row.get("candidates") or [], CANDIDATES, False, "candidates yet")


def _chosen(row: Mapping[str, Any], everything: bool, picked: list[str],
            names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The candidates to adopt: all unmanaged ones, or those picked by id or address."""
    candidates = row.get("candidates") or []
    if everything:
        chosen = [c for c in candidates if not c.get("managed_device_id")]
    else:
        by_key = {**{c.get("address"): c for c in candidates},
                  **{str(c.get("id")): c for c in candidates}}
        unknown = [key for key in picked if key not in by_key]
        if unknown:
            raise ConsoleError(f"--candidate {unknown[0]}: not a candidate of this discovery;"
                               " see `dotmac-hub discoveries show ID`", code=2)
        chosen = [by_key[key] for key in picked]
    return [{"candidate_id": str(c["id"]),
             **only_given(name=names.get(str(c["id"])) or names.get(c.get("address", "")))}
            for c in chosen]


def _names(pairs: list[str]) -> dict[str, str]:
    names = {}
    for pair in pairs:
        key, sep, name = pair.partition("=")
        if not sep or not name:
            raise ConsoleError(f"--name {pair!r}: write CANDIDATE=NAME (candidate id or "
                               "address)", code=2)
        names[key] = name
    return names


@app.command("adopt")
@one_line_errors
def adopt(
    discovery: DiscoveryArg,
    everything: Annotated[bool, typer.Option("--all", help="Every candidate not yet "
                                             "managed.")] = False,
    candidate: Annotated[list[str] | None, typer.Option(help="Candidate id or address, "
                                                        "repeatable.")] = None,
    name: Annotated[list[str] | None, typer.Option(help="CANDIDATE=NAME: the device name "
                                                   "(default: its sysName).")] = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Make candidates devices (polled after the next config push).

    Examples:

      dotmac-hub discoveries adopt 0192f3a4-... --all

      dotmac-hub discoveries adopt 0192f3a4-... --candidate 10.0.0.5 --name 10.0.0.5=ams1-sw5
    """
    if everything == bool(candidate):
        raise ConsoleError("say which candidates: --all, or --candidate ID (repeatable)",
                           code=2)
    with hub(url, token) as client:
        row = client.get(f"/discoveries/{discovery}")
        chosen = _chosen(row, everything, candidate or [], _names(name or []))
        if not chosen:
            raise ConsoleError("nothing to adopt: every candidate is already managed")
        answer = client.post(f"/discoveries/{discovery}/adopt", {"candidates": chosen})
    result = answer if isinstance(answer, Mapping) else {"devices": answer}
    report(result, as_json, f"{len(chosen)} candidate(s) adopted")
