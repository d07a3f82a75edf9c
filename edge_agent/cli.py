"""`dotmac-agent`: the field tech's command on a POP box."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from edge_agent import __version__
from protocol import Channel, TopicError, acl_patterns, build, validate_agent_id

app = typer.Typer(
    name="dotmac-agent",
    help="DotMac Edge agent: polls a POP's routers, switches and radios and delivers "
    "telemetry to the hub over MQTT.\n\nExamples:\n\n  dotmac-agent --version\n\n"
    "  dotmac-agent topics pop-ams1-01",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console()
errors = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dotmac-agent {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """DotMac Edge agent."""


@app.command()
def topics(
    agent_id: str = typer.Argument(..., help="The agent id (its broker username)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show the MQTT topics an agent uses and the broker ACL lines that pin it to them.

    Useful when wiring an agent to an operator-managed broker by hand.

    Examples:

      dotmac-agent topics pop-ams1-01

      dotmac-agent topics pop-ams1-01 --json
    """
    try:
        agent_id = validate_agent_id(agent_id)
    except TopicError as exc:
        errors.print(f"[red]agent id refused:[/red] {exc}")
        raise typer.Exit(2) from exc
    layout = {channel.name.lower(): build(agent_id, channel) for channel in Channel}
    if as_json:
        typer.echo(json.dumps({"topics": layout, "acl": acl_patterns()}, indent=2))
        return
    table = Table("channel", "topic", "direction", title=f"agent {agent_id}")
    for channel in Channel:
        direction = "agent -> hub" if channel.value.startswith("up/") else "hub -> agent"
        table.add_row(channel.name.lower(), layout[channel.name.lower()], direction)
    console.print(table)
    console.print("broker ACL (mosquitto acl_file, %u = broker username = agent id):")
    for line in acl_patterns():
        console.print(f"  {line}", markup=False)


def main() -> None:
    """Console-script entry point."""
    app()
