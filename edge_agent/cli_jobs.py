"""`dotmac-agent job run` and `dotmac-agent backup`: run one CLI action locally.

A field tech's tool (and the test hook): the same executor the hub's jobs go through,
credentials from the agent config, nothing sent to the hub.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import typer

from edge_agent.cli_output import console, errors, styled
from edge_agent.config import ConfigError, load_config
from edge_agent.executor import Executor
from edge_agent.hub_config import with_hub_devices
from protocol import JobProgress, JobRequest, JobResult

job_app = typer.Typer(name="job", help="Run provisioning actions on a device over SSH.",
                      no_args_is_help=True)

CONFIG = typer.Option(Path("/etc/dotmac-agent/agent.yaml"), "--config",
                      envvar="DOTMAC_AGENT_CONFIG",
                      help="Agent config file.")
PARAMS = typer.Option([], "--param", "-p", help="Action parameter k=v (repeatable).")


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """`["interface=Gi0/1", "rate_kbps=20000"]` -> dict; digits become integers."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r}: write --param name=value")
        params[key] = int(value) if value.isdigit() else value
    return params


def _load(config: Path) -> Executor:
    try:
        return Executor(with_hub_devices(load_config(config)))
    except ConfigError as exc:
        for problem in exc.problems:
            errors.print(problem)
        raise typer.Exit(2) from exc


def _show_progress(event: JobProgress) -> None:
    errors.print(styled(event.step, event.message, style="dim"), highlight=False)


async def _run_one(executor: Executor, request: JobRequest) -> JobResult:
    try:
        return await executor.run(request, _show_progress)
    finally:
        await executor.close()


def run_command(
    device: str = typer.Argument(..., help="Device name from the agent config."),
    action: str = typer.Argument(..., help="Action of the device's profile (suspend_customer)."),
    param: list[str] = PARAMS,
    dry_run: bool = typer.Option(False, "--dry-run", help="Render the commands; do not connect."),
    key: str | None = typer.Option(None, "--key", help="Idempotency key (default: random)."),
    config: Path = CONFIG,
    as_json: bool = typer.Option(False, "--json", help="Print the JobResult as JSON."),
) -> None:
    """Run one action against one device, like a hub job would.

    Examples:

      dotmac-agent job run sw1 suspend_customer -p interface=Gi0/7

      dotmac-agent job run sw1 change_plan -p interface=Gi0/7 -p rate_kbps=50000 \\
        -p plan=gold --dry-run
    """
    executor = _load(config)
    request = JobRequest(agent_id=executor.agent_id, seq=0, ts=datetime.now(UTC),
                         job_id=uuid.uuid4(), device=device, action=action,
                         params=parse_params(param), idempotency_key=key or uuid.uuid4().hex,
                         deadline=datetime.now(UTC) + timedelta(minutes=10), dry_run=dry_run)
    result = asyncio.run(_run_one(executor, request))
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        colour = "green" if result.outcome == "succeeded" else "red"
        code = f" ({result.error_code.value})" if result.error_code else ""
        console.print(styled(f"{result.outcome}{code}", style=colour))
        console.print(result.output, highlight=False)
    raise typer.Exit(0 if result.outcome == "succeeded" else 1)


async def _backup(executor: Executor, device: str) -> dict[str, object]:
    try:
        return (await executor.backup(device)).as_json()
    finally:
        await executor.close()


def backup_command(
    device: str = typer.Argument(..., help="Device name from the agent config."),
    config: Path = CONFIG,
    out: Path | None = typer.Option(None, "--out", help="Also write the cleaned config here."),
    as_json: bool = typer.Option(False, "--json", help="Print the backup as JSON."),
) -> None:
    """Fetch a device's configuration, scrub secrets, normalise it and print its hash.

    Examples:

      dotmac-agent backup sw1

      dotmac-agent backup sw1 --out /tmp/sw1.cfg
    """
    executor = _load(config)
    try:
        backup = asyncio.run(_backup(executor, device))
    except (KeyError, RuntimeError, ValueError) as exc:
        errors.print(styled(f"backup of {device} failed:", exc))
        raise typer.Exit(1) from exc
    if out is not None:
        out.write_text(str(backup["config"]))
    if as_json:
        typer.echo(json.dumps(backup, indent=2))
        return
    state = backup["changed"]
    changed = "first backup" if state is None else "changed" if state else "unchanged"
    console.print(f"{device}: sha256 {backup['sha256']} ({changed})")


def register(app: typer.Typer) -> None:
    """Attach `job run` and `backup` to the root CLI."""
    job_app.command("run")(run_command)
    app.add_typer(job_app, name="job")
    app.command("backup")(backup_command)
