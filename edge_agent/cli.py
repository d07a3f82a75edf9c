"""`dotmac-agent`: the field tech's command on a POP box."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from edge_agent import __version__, cli_enroll, cli_jobs, cli_snmp, cli_ssh
from edge_agent.cli_output import LiteralHelpGroup, console, errors, styled
from protocol import Channel, TopicError, acl_patterns, build, validate_agent_id

app = typer.Typer(
    name="dotmac-agent",
    help="DotMac Edge agent: polls a POP's routers, switches and radios and delivers "
    "telemetry to the hub over MQTT.\n\nExamples:\n\n"
    "  dotmac-agent poll 10.20.0.1 -c public\n\n"
    "  dotmac-agent doctor --config /etc/dotmac-agent/agent.yaml\n\n"
    "  dotmac-agent run --config /etc/dotmac-agent/agent.yaml",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=LiteralHelpGroup,  # `[env X]` in a help text is text, not markup
)


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
        errors.print(styled("agent id refused:", exc))
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
        console.print(f"  {line}")


CONFIG = typer.Option(Path("/etc/dotmac-agent/agent.yaml"), "--config",
                      envvar="DOTMAC_AGENT_CONFIG",
                      help="Agent config file.")


def _setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(),
                        format="ts=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s")


def _load_runtime(config: Path) -> object:
    from edge_agent.config import ConfigError
    from edge_agent.profiles import ProfileError
    from edge_agent.runtime import AgentRuntime

    try:
        return AgentRuntime(config)
    except ConfigError as exc:
        for problem in exc.problems:
            errors.print(styled("config:", problem), highlight=False)
        raise typer.Exit(2) from exc
    except ProfileError as exc:
        errors.print(styled("firmware profile:", exc))
        raise typer.Exit(2) from exc
    except OSError as exc:
        errors.print(styled("config:", f"{config}: {exc.strerror}; pass --config PATH"))
        raise typer.Exit(2) from exc


@app.command()
def run(
    config: Path = CONFIG,
    log_level: str = typer.Option("info", "--log-level", envvar="DOTMAC_AGENT_LOG_LEVEL",
                                  help="debug|info|warning|error"),
) -> None:
    """Poll the configured devices and deliver to the hub until stopped.

    SIGHUP reloads the config (devices only); SIGTERM drains the queue and exits.

    Examples:

      dotmac-agent run --config /etc/dotmac-agent/agent.yaml

      DOTMAC_AGENT_BROKER_PASSWORD=... dotmac-agent run --config ./agent.yaml
    """
    from edge_agent.config import ConfigError

    _setup_logging(log_level)
    runtime = _load_runtime(config)
    try:
        asyncio.run(runtime.run())  # type: ignore[attr-defined]
    except ConfigError as exc:  # e.g. an events port that cannot be bound
        for problem in exc.problems:
            errors.print(styled("config:", problem), highlight=False)
        raise typer.Exit(2) from exc


@app.command()
def status(config: Path = CONFIG, as_json: bool = typer.Option(False, "--json")) -> None:
    """Show what the running agent last reported: broker, queue, devices.

    Examples:

      dotmac-agent status

      dotmac-agent status --json | jq .queue
    """
    from edge_agent.config import ConfigError, load_config
    from edge_agent.runtime import STATUS_FILE

    try:
        state_dir = load_config(config).agent.state_dir
    except ConfigError as exc:
        for problem in exc.problems:
            errors.print(f"config: {problem}")
        raise typer.Exit(2) from exc
    path = state_dir / STATUS_FILE
    if not path.exists():
        errors.print(f"no status at {path}: the agent has not run yet (dotmac-agent run)")
        raise typer.Exit(1)
    data = json.loads(path.read_text())
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    _print_status(data)


def _print_status(data: dict[str, object]) -> None:
    delivery = data.get("delivery", {})
    queue = data.get("queue", {})
    assert isinstance(delivery, dict) and isinstance(queue, dict)
    console.print(Text.assemble("agent ", (str(data.get("agent_id")), "bold"),
                                f"  status written {data.get('written_at')}"))
    console.print(f"broker: {'connected' if delivery.get('connected') else 'NOT connected'}, "
                  f"published {delivery.get('published', 0)}")
    console.print(f"queue: {queue.get('depth')} batch(es), oldest {queue.get('oldest_age_s')}s, "
                  f"dropped samples {queue.get('dropped_samples')}")
    _print_hub_config(data.get("hub_config"))
    _print_events(data.get("events"))
    table = Table("device", "cycles", "failures", "last error", "last poll s")
    devices = data.get("devices", {})
    assert isinstance(devices, dict)
    for name, dev in sorted(devices.items()):
        shown = f"{name} ({dev['label']})" if dev.get("label") else name
        table.add_row(shown, str(dev["cycles"]), str(dev["failures"]), dev["last_error"] or "-",
                      f"{dev['last_duration_s'] or 0:.2f}")
    console.print(table)


def _counts(table: object) -> str:
    if not isinstance(table, dict) or not table:
        return ""
    return ", ".join(f"{key} x{n}" for key, n in sorted(table.items(), key=lambda kv: -kv[1]))


def _print_events(events: object) -> None:
    """Traps and syslog: the health counters, then what was refused or dropped, and why."""
    if not isinstance(events, dict):
        return  # events off (or a status written by an older agent)
    counters = events.get("counters") or {}
    console.print("events: " + ", ".join(f"{k} {v}" for k, v in counters.items()))
    traps, syslog, storm = (events.get(k) or {} for k in ("traps", "syslog", "storm"))
    unknown = traps.get("unknown_sources", 0) + syslog.get("unknown_sources", 0)
    details = [("traps refused", _counts(traps.get("rejected"))),
               ("syslog", _counts({k: v for k, v in syslog.items()
                                   if isinstance(v, int) and v and k != "unknown_sources"})),
               ("dropped by source", _counts(storm.get("dropped_by_source"))),
               ("dropped by the kernel (agent too busy to read)",
                str(events.get("kernel_drops") or "")),
               ("from addresses of no device", str(unknown) if unknown else "")]
    for label, text in details:
        if text:
            console.print(f"  {label}: {text}")


def _print_hub_config(hub: object) -> None:
    if not isinstance(hub, dict):
        return  # status written by an agent older than hub-managed config
    version = hub.get("applied_version") or 0
    line = (f"hub config: version {version}, {hub.get('devices', 0)} device(s)" if version
            else "hub config: none applied (agent.yaml devices only)")
    rejected = hub.get("rejected") or {}
    if isinstance(rejected, dict) and rejected:
        line += ", rejected " + ", ".join(f"{code} x{n}" for code, n in sorted(rejected.items()))
    console.print(line)
    last = hub.get("last_error")
    if isinstance(last, dict):
        console.print(f"  last rejection: version {last.get('version')} {last.get('code')}: "
                      f"{last.get('detail')} ({last.get('at')})")
    if hub.get("load_error"):
        console.print(f"  stored hub config unusable: {hub['load_error']}")


@app.command()
def doctor(config: Path = CONFIG, as_json: bool = typer.Option(False, "--json")) -> None:
    """Check everything an agent needs, one verdict per line; exit 1 if anything fails.

    Broker reachability and login, clock, each device's reachability and profile, queue
    health, and whether the agent process is running.

    Examples:

      dotmac-agent doctor --config /etc/dotmac-agent/agent.yaml

      dotmac-agent doctor --json
    """
    from edge_agent.doctor import FAIL, as_dicts, run_checks

    checks = asyncio.run(run_checks(config))
    failed = any(c.verdict == FAIL for c in checks)
    if as_json:
        typer.echo(json.dumps({"healthy": not failed, "checks": as_dicts(checks)}, indent=2))
    else:
        colour = {"ok": "green", "warn": "yellow", "fail": "red"}
        table = Table("check", "verdict", "detail", "fix", title="dotmac-agent doctor")
        for c in checks:
            verdict = Text(c.verdict.upper(), style=colour[c.verdict])
            table.add_row(c.name, verdict, c.detail, c.fix)
        console.print(table)
        console.print(styled("NOT healthy") if failed else styled("healthy", style="green"))
    if failed:
        raise typer.Exit(1)


cli_snmp.register(app)
cli_enroll.register(app)
cli_jobs.register(app)
cli_ssh.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
