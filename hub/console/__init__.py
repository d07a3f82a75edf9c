"""The operators' commands of `dotmac-hub` (sites, devices, credentials, agents, discoveries,
jobs, login): a client of the hub's HTTP API, not of its database.

They import no domain module (the API is their only contract with the hub), so they work
against a remote hub with nothing but a URL and a token or API key (docs/operators-cli.md).
"""

from __future__ import annotations

import typer

__all__ = ["add_commands"]


def add_commands(root: typer.Typer) -> None:
    """Register the operators' command groups and `login` on the `dotmac-hub` app."""
    from hub.console import agents, credentials, devices, discoveries, jobs, sites
    from hub.console.login import login

    for module in (sites, devices, credentials, agents, discoveries, jobs):
        root.add_typer(module.app)
    root.command("login")(login)
