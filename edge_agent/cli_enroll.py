"""`dotmac-agent enroll`: turn this box into an agent of a site (registered on the root app)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.text import Text

from edge_agent.cli_output import console, errors, styled
from edge_agent.enroll import (
    EnrollError,
    current_agent_id,
    request_enrollment,
    write_enrollment,
)


def enroll(
    hub: str = typer.Option(..., "--hub", envvar="DOTMAC_AGENT_HUB_URL",
                            help="Hub API base URL."),
    token: str = typer.Option(..., "--token", envvar="DOTMAC_AGENT_ENROLL_TOKEN",
                              help="One-time enrollment token from the hub admin."),
    config: Path = typer.Option(Path("/etc/dotmac-agent/agent.yaml"), "--config",
                                envvar="DOTMAC_AGENT_CONFIG",
                                help="Agent config to write."),
    state_dir: Path | None = typer.Option(None, "--state-dir",
                                          help="Queue/state folder (default: keep the "
                                          "config's, else /var/lib/dotmac-agent)."),
    name: str | None = typer.Option(None, "--name", help="Agent name to ask for (lowercase "
                                    "letters, digits, . _ -); the admin's choice wins."),
    hub_ca: Path | None = typer.Option(None, "--hub-ca", help="PEM to verify the hub's HTTPS "
                                       "certificate (default: system CA store)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing enrollment."),
    insecure: bool = typer.Option(False, "--insecure", help="Allow a plain http:// hub URL. "
                                  "The token and the broker password then travel in clear: "
                                  "only on loopback or a lab link you trust."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable result (no secrets)."),
) -> None:
    """Exchange a one-time token for this agent's identity and broker login.

    Writes agent.id and the broker section (host, TLS port, CA, password) into the config
    with mode 0600 and the broker CA beside it (broker-ca.pem); other sections are kept.
    The password is never printed.

    Examples:

      dotmac-agent enroll --hub https://hub.example.net --token dme_3q2...

      DOTMAC_AGENT_ENROLL_TOKEN=dme_3q2... dotmac-agent enroll --hub https://hub.example.net

      dotmac-agent enroll --hub https://hub.example.net --token dme_... --force

      dotmac-agent enroll --hub URL --token T --config ./agent.yaml --state-dir ./state

      dotmac-agent enroll --hub http://127.0.0.1:8000 --token T --insecure   (lab only)
    """
    try:
        existing = current_agent_id(config)
        if existing and not force:  # checked first so a valid token is not burned for nothing
            raise EnrollError(f"{config}: already enrolled as agent {existing}; pass --force "
                              "to replace it (revoke the old agent on the hub)")
        found = request_enrollment(hub, token, name, insecure=insecure,
                                   verify=str(hub_ca) if hub_ca else True)
        written = write_enrollment(config, found, state_dir=state_dir, force=force)
    except EnrollError as exc:
        errors.print(styled("enroll failed:", exc), highlight=False)
        raise typer.Exit(1) from exc
    result = {"agent_id": found.agent_id, "agent_name": found.agent_name,
              "site_id": found.site_id, "broker": f"{found.host}:{found.port}",
              "tls": found.tls, "config": str(written.config),
              "ca_file": str(written.ca_file) if written.ca_file else None,
              "topic_prefix": found.topic_prefix}
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    console.print(Text.assemble("enrolled as agent ", (found.agent_name, "bold"),
                                f" (id {found.agent_id})"), highlight=False)
    console.print(f"broker {found.host}:{found.port} TLS, CA {result['ca_file'] or 'system'}",
                  highlight=False)
    console.print(f"config written: {written.config} (mode 0600, password inside)",
                  highlight=False)
    console.print(f"next: dotmac-agent doctor --config {written.config}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `enroll` to the root `dotmac-agent` app."""
    app.command("enroll")(enroll)
