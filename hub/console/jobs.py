"""`dotmac-hub jobs ...`: provisioning jobs run on devices by their agents."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import typer

from hub.console.client import ConsoleError
from hub.console.common import (
    JsonOpt,
    TokenOpt,
    UrlOpt,
    done,
    group,
    hub,
    one_line_errors,
    only_given,
    print_one,
    print_rows,
    report,
)
from hub.console.devices import device_id

app = group("jobs", "Provisioning jobs: list, show, create, cancel.\n\nExamples:\n\n"
            "  dotmac-hub jobs create --device ams1-core-sw1 --action backup_config\n\n"
            "  dotmac-hub jobs list --state failed")
JobArg = Annotated[str, typer.Argument(help="Job id.")]
COLUMNS = [("id", "id"), ("device", "device_name"), ("action", "action"), ("state", "state"),
           ("error", "error_code"), ("created", "created_at"), ("finished", "finished_at")]
SHOWN = [*COLUMNS[:5], ("params", "params"), ("deadline", "deadline"),
         ("created", "created_at"), ("finished", "finished_at"), ("output", "output")]


def _params(pairs: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConsoleError(f"--param {pair!r}: write KEY=VALUE (e.g. --param "
                               "interface=Gi0/2)", code=2)
        params[key] = value
    return params


@app.command("list")
@one_line_errors
def list_jobs(
    device: Annotated[str | None, typer.Option(help="Only this device's (name or id).")] = None,
    state: Annotated[str | None, typer.Option(help="Only jobs in this state (queued, "
                                              "dispatched, running, succeeded, failed...).")
                                  ] = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """List jobs, oldest first.

    Examples:

      dotmac-hub jobs list

      dotmac-hub jobs list --device ams1-core-sw1 --state failed --json
    """
    with hub(url, token) as client:
        params = only_given(device_id=device_id(client, device) if device else None,
                            state=state)
        print_rows(list(client.every("/jobs", **params)), COLUMNS, as_json, "jobs")


@app.command("show")
@one_line_errors
def show_job(job: JobArg, as_json: JsonOpt = False, url: UrlOpt = None,
             token: TokenOpt = None) -> None:
    """Show a job, its output and its state history.

    Examples:

      dotmac-hub jobs show 0192f3a4-...

      dotmac-hub jobs show 0192f3a4-... --json | jq -r .output
    """
    with hub(url, token) as client:
        row = client.get(f"/jobs/{job}")
    if as_json:
        print_one(row, as_json)
        return
    print_one(row, False, SHOWN)
    print_rows(row.get("history", []), [("at", "at"), ("from", "from_state"),
                                        ("to", "to_state"), ("by", "actor"),
                                        ("detail", "detail")], False, "history")


@app.command("create")
@one_line_errors
def create_job(
    device: Annotated[str, typer.Option(help="Device (name or id).")],
    action: Annotated[str, typer.Option(help="Action of the device's profile "
                                        "(backup_config, suspend_port...).")],
    param: Annotated[list[str] | None, typer.Option(help="KEY=VALUE, repeatable.")] = None,
    deadline: Annotated[int | None, typer.Option(help="Seconds before it expires.")] = None,
    key: Annotated[str | None, typer.Option(help="Idempotency key: the same key and body "
                                            "return the first job (default: random).")] = None,
    as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
) -> None:
    """Queue a job on a device.

    Examples:

      dotmac-hub jobs create --device ams1-core-sw1 --action backup_config

      dotmac-hub jobs create --device sw1 --action suspend_port --param interface=Gi0/2
    """
    with hub(url, token) as client:
        body = {"device_id": device_id(client, device), "action": action,
                "params": _params(param or []), **only_given(deadline_s=deadline)}
        made = client.decode(client.request("POST", "/jobs", json=body, headers={
            "Idempotency-Key": key or secrets.token_hex(16)}))
    report(made, as_json, f"job {made['id']} {made['state']}: {action} on "
           f"{made['device_name']}")


@app.command("cancel")
@one_line_errors
def cancel_job(job: JobArg, as_json: JsonOpt = False, url: UrlOpt = None,
               token: TokenOpt = None) -> None:
    """Cancel a job still queued (refused once sent to its agent).

    Examples:

      dotmac-hub jobs cancel 0192f3a4-...
    """
    with hub(url, token) as client:
        row = client.post(f"/jobs/{job}/cancel")
    if as_json:
        print_one(row, as_json)
    else:
        done(f"job {job} {row['state']}")
